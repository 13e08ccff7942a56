import Foundation
import Testing
@testable import StepUpCore

@Suite("Policy hot reload", .timeLimit(.minutes(5)))
struct PolicyHolderTests {
    static func policyYAML(level: String) -> String {
        PolicyFixture.ladder + "\ndefault: deny\nrules:\n" + (0..<50).map {
            "  - {id: r\($0), match: {action: \"app.a\($0)\"}, require: \(level)}\n"
        }.joined() + "  - {id: last, match: {action: app.do}, require: \(level)}\n"
    }

    @Test func invalidFileKeepsTheRunningPolicy() throws {
        let holder = PolicyHolder(try Policy.load(yaml: Self.policyYAML(level: "aal1"), file: "p.yaml"))
        let before = holder.version
        let failed = holder.reload(yaml: "rules: [", file: "p.yaml")
        #expect(!failed.applied && failed.version == before && failed.diagnostics.hasErrors)
        #expect(holder.current.version == before)
        let applied = holder.reload(yaml: Self.policyYAML(level: "aal2"), file: "p.yaml")
        #expect(applied.applied && applied.previousVersion == before && applied.version != before)
        #expect(holder.version == applied.version)
    }

    /// Readers decide while a writer swaps between two policies and invalid files: every decision must come
    /// entirely from one policy (its version matches its level), never from a mix or a broken file.
    @Test func concurrentDecisionsNeverSeeAHalfLoadedPolicy() async throws {
        let one = try Policy.load(yaml: Self.policyYAML(level: "aal1"), file: "p.yaml")
        let two = try Policy.load(yaml: Self.policyYAML(level: "aal3"), file: "p.yaml")
        let expected = [one.version: "aal1", two.version: "aal3"]
        let holder = PolicyHolder(one)
        let input = PolicyFixture.input("app.do")
        let mismatches = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                for round in 0..<200 {
                    _ = holder.reload(yaml: Self.policyYAML(level: round % 2 == 0 ? "aal3" : "aal1"), file: "p.yaml")
                    _ = holder.reload(yaml: "default: [broken", file: "p.yaml")
                }
                return 0
            }
            for _ in 0..<4 {
                group.addTask {
                    var bad = 0
                    for _ in 0..<5_000 {
                        let policy = holder.current
                        let result = policy.evaluate(input)
                        if result.outcome.level != expected[policy.version] || result.rules != ["last"] { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(expected[holder.version] != nil)
    }

    /// Compiled regular expressions and time windows are shared by concurrent evaluations.
    @Test func sharedMatchersAreSafeUnderConcurrency() async throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - {id: iban, match: {resource: {iban: {regex: '^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$'}}}, deny: x}
          - {id: hours, match: {time: {days: [mon-fri], hours: '09:00-17:00', time_zone: Europe/Paris}}, deny: y}
        """)
        let total = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var hits = 0
                    for round in 0..<2_000 {
                        let iban = round % 2 == 0 ? "FR7630006000011234567890189" : "not-an-iban-\(worker)"
                        let input = PolicyFixture.input(
                            resource: ["iban": .string(iban)],
                            now: PolicyFixture.now.addingTimeInterval(Double(round) * 3_600))
                        if policy.evaluate(input).rules.contains("iban") { hits += 1 }
                    }
                    return hits
                }
            }
            return await group.reduce(0, +)
        }
        #expect(total == 4 * 1_000)
    }
}
