import Foundation
@testable import StepUpCore

/// Shared helpers for the policy tests.
enum PolicyFixture {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z, a Friday

    static let ladder = """
    version: 1
    levels:
      aal1: {combinations: [[any]], max_age: 30d, idle_timeout: 30d}
      aal2:
        combinations: [[password, {factors: [totp, webauthn, push]}], [{phishing_resistant: true}]]
        max_age: 24h
        idle_timeout: 1h
      aal3: {combinations: [[{phishing_resistant: true, hardware_bound: true}]], max_age: 12h, idle_timeout: 15m}
    networks:
      office: [10.0.0.0/8, "2001:db8::/32"]
    """

    /// A policy of the shared ladder plus `body` (default and rules).
    static func policy(_ body: String, file: String = "test.yaml") throws -> Policy {
        try Policy.load(yaml: ladder + "\n" + body, file: file)
    }

    static func diagnostics(_ yaml: String, file: String = "p.yaml") -> [String] {
        Policy.check(yaml: yaml, file: file).diagnostics.items.map(\.description)
    }

    static func input(
        _ action: String = "app.do",
        resource: Attributes = [:],
        context: RequestContext = RequestContext(),
        subject: Subject = Subject(id: "u1", username: "alice"),
        session: Session? = nil,
        risk: RiskAssessment = .none,
        method: String? = nil,
        path: String? = nil,
        now: Date = now
    ) -> PolicyInput {
        PolicyInput(
            request: ActionRequest(action: action, resource: resource, context: context, method: method, path: path),
            subject: subject, session: session, risk: risk, now: now)
    }

    static func session(_ factors: [(FactorKind, TimeInterval)], now: Date = now) -> Session {
        Session(
            id: "s", userID: "u1", createdAt: now.addingTimeInterval(-86_400), lastSeenAt: now,
            expiresAt: now.addingTimeInterval(86_400),
            events: factors.enumerated().map { index, item in
                AuthenticationEvent(id: "e\(index)", factor: item.0, at: now.addingTimeInterval(-item.1))
            })
    }
}

extension PolicyResult.Outcome {
    var level: String? {
        if case .require(let requirement) = self { return requirement.level }
        return nil
    }

    var requirement: Requirement? {
        if case .require(let requirement) = self { return requirement }
        return nil
    }

    var isAllow: Bool {
        if case .allow = self { return true }
        return false
    }

    var denyReason: String? {
        if case .deny(let reason) = self { return reason }
        return nil
    }
}
