import Foundation
import StepUpCore
import StepUpGeo
import Testing
import Yams

/// Runs every `Fixtures/scenarios/*.yaml` through the pure engine, recording history between steps with the same
/// `RiskHistory.recording` the server calls. What the server learns and counts is driven through the service in
/// `StepUpServerTests` ("Risk learns from what happened").
@Suite(.timeLimit(.minutes(5))) struct RiskScenarioTests {
    static var directory: URL {
        TestSupport.fixtures.appendingPathComponent("scenarios")
    }

    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func scenariosExist() {
        #expect(Self.files.count >= 4)
    }

    @Test(arguments: files)
    func scenario(file: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
        let scenario = try YAMLDecoder().decode(RiskScenario.self, from: text)
        let settings = scenario.riskSettings
        let locator = TableLocator(places: scenario.geo ?? [:])
        let engine = RiskEngine()
        var history = RiskHistory()
        let parser = ISO8601DateFormatter()
        for (index, step) in scenario.steps.enumerated() {
            let label = "\(file) step \(index + 1) \(step.name ?? step.action)"
            let start = try #require(parser.date(from: step.at), "\(label): bad time")
            for repetition in 0..<max(1, step.repeatCount ?? 1) {
                let time = start.addingTimeInterval(Double(repetition) * (step.everyHours ?? 24) * 3600)
                let context = self.context(step, at: time, locator: locator)
                if step.action != "confirm" {
                    let input = RiskInput(
                        context: context, now: time, device: status(step, history: history), history: history,
                        counters: RiskCounters(userFailures: step.userFailures ?? 0,
                                               addressFailures: step.addressFailures ?? 0,
                                               distinctUsernames: step.usernames ?? 0),
                        reputationHits: step.lists ?? [], anonymizingHits: step.anonymizing ?? [],
                        sessionUserAgent: step.sessionUserAgent, addressTrusted: step.addressTrusted ?? false
                    )
                    let assessment = engine.assess(input, settings: settings)
                    if let expect = step.expect { check(assessment, expect, label) }
                }
                if step.action == "confirm" || (step.action == "sign_in" && step.succeed ?? true) {
                    history = history.recording(RiskEvent(context: context, now: time))
                }
            }
        }
    }

    private func context(_ step: RiskScenario.Step, at time: Date, locator: TableLocator) -> RequestContext {
        let place = step.ip.flatMap(locator.locate)
        return RequestContext(ip: step.ip, userAgent: step.userAgent, deviceID: step.device,
                              country: step.country ?? place?.country, latitude: step.lat ?? place?.latitude,
                              longitude: step.lon ?? place?.longitude, time: time)
    }

    private func status(_ step: RiskScenario.Step, history: RiskHistory) -> DeviceStatus {
        if let explicit = step.deviceStatus.flatMap(DeviceStatus.init(rawValue:)) { return explicit }
        guard let device = step.device else { return .absent }
        return history.knowsDevice(device) ? .known : .new
    }

    private func check(_ assessment: RiskAssessment, _ expect: RiskScenario.Expect, _ label: String) {
        let fired = assessment.signals.map(\.name)
        let explained = assessment.signals.map { "\($0.name): \($0.evidence)" }.joined(separator: " | ")
        #expect(Set(fired) == Set(expect.signals), "\(label): fired \(explained)")
        if let band = expect.band { #expect(assessment.band.rawValue == band, "\(label): score \(assessment.score)") }
        if let score = expect.score { #expect(assessment.score == score, "\(label)") }
        for (signal, text) in expect.evidence ?? [:] {
            let evidence = assessment.signals.first { $0.name == signal }?.evidence ?? "<not fired>"
            #expect(evidence.contains(text), "\(label): \(signal) evidence was '\(evidence)'")
        }
    }
}
