import Foundation
import StepUpCore

/// Gathers what the risk engine needs (devices, failure counters, history) and runs it at each decision.
public struct RiskService: Sendable {
    let stores: Stores
    let settings: @Sendable () -> RiskSettings
    let failureWindow: TimeInterval

    public init(stores: Stores, failureWindow: TimeInterval, settings: @escaping @Sendable () -> RiskSettings) {
        self.stores = stores
        self.failureWindow = failureWindow
        self.settings = settings
    }

    func assess(user: UserRecord, session: Session?, client: ClientInfo, at now: Date) async throws -> RiskAssessment {
        let settings = settings()
        var signals: [RiskSignal] = []
        let newDevice = settings.settings(for: "new_device")
        if newDevice.enabled {
            if let deviceID = client.deviceID {
                let known = try await stores.devices.device(userID: user.id, deviceID: deviceID)
                if known == nil || known?.revoked == true {
                    signals.append(RiskSignal(name: "new_device", weight: newDevice.weight,
                                              evidence: "device not seen before for this user"))
                }
            } else {
                signals.append(RiskSignal(name: "new_device", weight: newDevice.weight,
                                          evidence: "no device id was presented"))
            }
        }
        let failures = settings.settings(for: "failed_attempts")
        if failures.enabled {
            let window = failures.number("window_seconds", default: failureWindow)
            let threshold = failures.number("threshold", default: 5)
            let since = now.addingTimeInterval(-window)
            let byUser = try await stores.throttle.failureCount(key: "login-user:\(user.id)", since: since)
            let byAddress = try await stores.throttle.failureCount(key: "login-ip:\(client.ip)", since: since)
            if Double(max(byUser, byAddress)) >= threshold {
                signals.append(RiskSignal(
                    name: "failed_attempts", weight: failures.weight,
                    evidence: "\(byUser) failed attempts for this account and \(byAddress) from \(client.ip) " +
                              "in the last \(DecisionEngine.duration(window))"))
            }
        }
        let score = signals.reduce(0) { $0 + $1.weight }
        return RiskAssessment(score: score, band: settings.band(for: score), signals: signals)
    }

    /// A successful sign-in: the device is seen (not yet known — a step-up makes it known).
    func recordSignIn(user: UserRecord, client: ClientInfo, at now: Date) async throws {}

    /// After a successful step-up the device becomes known for this user.
    func recordStepUp(user: UserRecord, client: ClientInfo, at now: Date) async throws {
        guard let deviceID = client.deviceID else { return }
        try await stores.devices.recordDeviceSeen(userID: user.id, deviceID: deviceID,
                                                  label: Self.deviceLabel(client.userAgent), at: now)
    }

    static func deviceLabel(_ userAgent: String?) -> String {
        guard let userAgent, !userAgent.isEmpty else { return "Unknown device" }
        return String(userAgent.prefix(120))
    }
}
