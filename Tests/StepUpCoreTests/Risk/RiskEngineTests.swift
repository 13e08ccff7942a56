import Foundation
import StepUpCore
import Testing

@Suite(.timeLimit(.minutes(5))) struct RiskEngineTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    let engine = RiskEngine()

    /// An input where every catalog signal fires.
    func everything() -> RiskInput {
        var history = RiskHistory()
        for day in 0..<30 {
            history = history.recording(RiskEvent(time: now.addingTimeInterval(Double(-day - 1) * 86400 + 3 * 3600),
                                                  country: "US", latitude: 42.36, longitude: -71.06,
                                                  deviceID: "laptop"))
        }
        // One recent sign-in from Boston twelve hours away from the usual hour, one hour before the request.
        history = history.recording(RiskEvent(time: now.addingTimeInterval(15 * 3600), country: "US",
                                              latitude: 42.36, longitude: -71.06, deviceID: "laptop"))
        let context = RequestContext(ip: "185.220.101.1", userAgent: "curl/8.0", deviceID: "other",
                                     country: "FR", latitude: 48.85, longitude: 2.35,
                                     time: now.addingTimeInterval(16 * 3600))
        return RiskInput(context: context, now: now, device: .new, history: history,
                         counters: RiskCounters(userFailures: 9, addressFailures: 1, distinctUsernames: 30),
                         reputationHits: ["tor_exits"], anonymizingHits: ["hosting"],
                         sessionUserAgent: "Mozilla/5.0 Firefox/128.0",
                         clonedAuthenticator: "credential wa_1 reported signature counter 3, stored 7")
    }

    @Test func everyCatalogSignalIsImplemented() {
        let assessment = engine.assess(everything(), settings: .default)
        #expect(assessment.signals.map(\.name) == RiskSignalCatalog.entries.map(\.name))
        #expect(assessment.score == RiskSignalCatalog.entries.map(\.defaults.weight).reduce(0, +))
        #expect(assessment.band == .critical)
        for signal in assessment.signals { #expect(!signal.evidence.isEmpty) }
    }

    @Test func clonedAuthenticatorFiresOnlyWithItsEvidence() {
        let quiet = RiskInput(context: RequestContext(deviceID: "d"), now: now, device: .known)
        #expect(engine.assess(quiet, settings: .default) == .none)
        var cloned = quiet
        cloned.clonedAuthenticator = "counter 3 after 7"
        let assessment = engine.assess(cloned, settings: .default)
        #expect(assessment.signals.map(\.name) == ["cloned_authenticator"])
        #expect(assessment.signals.first?.evidence == "counter 3 after 7" && assessment.band == .critical)
    }

    @Test func disabledSignalsAndCustomWeights() {
        var settings = RiskSettings()
        for entry in RiskSignalCatalog.entries {
            settings.signals[entry.name] = SignalSettings(enabled: entry.name == "new_device", weight: 7)
        }
        let assessment = engine.assess(everything(), settings: settings)
        #expect(assessment.signals.map(\.name) == ["new_device"])
        #expect(assessment.score == 7)
        #expect(assessment.band == .low)
    }

    @Test func bandsFollowThresholds() {
        var settings = RiskSettings(thresholds: [.medium: 10, .high: 20, .critical: 1000])
        settings.signals["new_device"] = SignalSettings(weight: 25)
        let input = RiskInput(context: RequestContext(deviceID: "d"), now: now, device: .new)
        #expect(engine.assess(input, settings: settings).band == .high)
        #expect(engine.assess(RiskInput(context: RequestContext(deviceID: "d"), now: now, device: .known),
                              settings: settings) == .none)
    }

    @Test func hostileNumbersDoNotTrap() {
        var input = everything()
        input.counters = RiskCounters(userFailures: .max, addressFailures: .min, distinctUsernames: .max)
        input.context.latitude = .nan
        input.context.longitude = .infinity
        input.context.time = Date(timeIntervalSince1970: -1e18)
        input.history.hours = Array(repeating: .max / 48, count: 24)
        var settings = RiskSettings()
        settings.signals["impossible_travel"] = SignalSettings(
            weight: .infinity, parameters: ["speed_kmh": .number(-1)]
        )
        settings.signals["failed_attempts"] = SignalSettings(weight: 40, parameters: ["threshold": .number(.nan)])
        let assessment = engine.assess(input, settings: settings)
        #expect(assessment.score.isFinite)
    }

    @Test func deviceStatusFromRecord() {
        let record = DeviceRecord(userID: "u", deviceID: "d", label: "", firstSeen: now, lastSeen: now,
                                  trustedUntil: now.addingTimeInterval(60))
        #expect(DeviceStatus(deviceID: nil, record: record, now: now) == .absent)
        #expect(DeviceStatus(deviceID: "d", record: nil, now: now) == .new)
        #expect(DeviceStatus(deviceID: "d", record: record, now: now) == .trusted)
        #expect(DeviceStatus(deviceID: "d", record: record, now: now.addingTimeInterval(61)) == .known)
        var revoked = record
        revoked.revoked = true
        #expect(DeviceStatus(deviceID: "d", record: revoked, now: now) == .new)
    }

    @Test func settingsParametersFallBackToCatalog() {
        var settings = RiskSettings()
        #expect(settings.failedAttemptsWindow == 900)
        #expect(settings.credentialStuffingWindow == 600)
        settings.signals["failed_attempts"] = SignalSettings(weight: 1, parameters: ["window_seconds": .number(60)])
        #expect(settings.failedAttemptsWindow == 60)
        #expect(settings.number("threshold", of: "failed_attempts", fallback: 0) == 5)
        for entry in RiskSignalCatalog.entries {
            for name in entry.defaults.parameters.keys {
                #expect(entry.parameters.contains(name), "\(entry.name).\(name)")
            }
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct UnusualHourEvidenceTests {
    @Test func localTimeZoneIsShownWhenConfigured() {
        var history = RiskHistory()
        let base = Date(timeIntervalSince1970: 1_780_012_800)  // 00:00 UTC
        for day in 0..<25 {
            history = history.recording(RiskEvent(time: base.addingTimeInterval(Double(day) * 86400 + 12 * 3600)))
        }
        var settings = RiskSettings()
        settings.signals["unusual_hour"] = SignalSettings(weight: 15, parameters: ["time_zone": .string("Asia/Tokyo")])
        let input = RiskInput(context: RequestContext(deviceID: "d"),
                              now: base.addingTimeInterval(30 * 86400 + 3 * 3600), device: .known, history: history)
        let signal = RiskEngine().assess(input, settings: settings).signals.first
        #expect(signal?.name == "unusual_hour")
        #expect(signal?.evidence.hasPrefix("activity at 03:00 UTC (12:00 Asia/Tokyo); 0 of this user's 25") == true)
    }
}
