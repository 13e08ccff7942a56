import Foundation
import StepUpCore
import StepUpGeo
import StepUpStore
import Testing
@testable import StepUpServer

/// Risk re-runs at every decision with real inputs: devices, GeoIP countries, history and failure counters.
@Suite("Risk in decisions", .timeLimit(.minutes(5)))
struct RiskIntegrationTests {
    /// 1.x.x.x is in the US, 2.x.x.x in France (a range table like tor-geoipdb's).
    static func locator() throws -> CountryRangeLocator {
        try CountryRangeLocator(csv: [("16777216,33554431,US\n33554432,50331647,FR\n", "test")])
    }

    @Test func aNewDeviceStepsUpOnceThenTheDeviceIsKnown() async throws {
        let harness = try TestHarness(locator: try Self.locator())
        let (user, secret) = try await harness.aliceWithTOTP()
        let home = ClientInfo(ip: "1.1.1.1", userAgent: "Firefox/130.0", deviceID: "laptop-000001")
        let first = try await harness.service.login(LoginAttempt(username: "alice", password: "correct horse battery"), client: home)
        let stepUp = try #require(first.stepUp, "a new device raises risk; the demo policy asks for aal2")
        let decision = try await harness.service.decide(session: first.session, user: user,
                                                        request: ActionRequest(action: "bank.balance.view"),
                                                        grantID: nil, client: home)
        #expect(decision.decision.risk.has("new_device"))
        #expect(decision.decision.risk.band >= .medium)

        _ = try await harness.service.verify(challengeID: stepUp.challenge.id, answer: StepUpAnswer(factor: .totp, code: harness.totp(secret)), session: first.session, user: user,
                                             client: home)
        harness.clock.advance(3_600)
        let again = try await harness.service.login(LoginAttempt(username: "alice", password: "correct horse battery"), client: home)
        #expect(again.stepUp == nil, "a known device from a known country signs in with the password alone")
        let view = try await harness.service.decide(session: again.session, user: user,
                                                    request: ActionRequest(action: "bank.balance.view"),
                                                    grantID: nil, client: home)
        #expect(view.decision.outcome == .allow)
        #expect(view.decision.risk.signals.isEmpty, "\(view.decision.risk.signals)")
    }

    /// The risk pipeline and the address rules' CIDR sets are built once and kept while their inputs stay the same;
    /// a policy reload that moves a network, and an address rule added or removed, apply to the very next decision.
    @Test func reloadedNetworksAndNewAddressRulesApplyAtOnce() async throws {
        func networks(_ cidr: String) -> String {
            Policy.demoYAML.replacingOccurrences(
                of: "risk:\n  thresholds:",
                with: "risk:\n  signals:\n    anonymizing_network: {networks: [\(cidr)]}\n  thresholds:")
        }
        let harness = try TestHarness(policyYAML: networks("198.51.100.0/24"))
        let (user, secret) = try await harness.aliceWithTOTP()
        let client = ClientInfo(ip: "198.51.100.7", userAgent: "Firefox/130.0", deviceID: "laptop-000001")
        let signedIn = try await harness.signInAndStepUp(secret: secret, client: client)
        func decide() async throws -> Decision {
            try await harness.service.decide(session: signedIn.session, user: user,
                                             request: ActionRequest(action: "bank.balance.view"), grantID: nil,
                                             client: client).decision
        }
        #expect(try await decide().risk.has("anonymizing_network"))
        #expect(try await decide().risk.has("anonymizing_network"), "the kept pipeline answers the same")

        let reload = harness.service.policy.reload(yaml: networks("203.0.113.0/24"), file: "policy.yaml")
        #expect(reload.applied, "\(reload.diagnostics)")
        #expect(try await !decide().risk.has("anonymizing_network"), "the network moved with the reload")

        let rules = harness.service.stores.addressRules
        try await rules.setAddressRule(AddressRule(cidr: "198.51.100.0/24", verdict: .blocked,
                                                   createdAt: harness.clock.now))
        #expect(try await decide().outcome == .deny, "a new blocking rule applies to the next decision")
        try await rules.removeAddressRule(cidr: "198.51.100.0/24")
        #expect(try await decide().outcome != .deny, "and its removal too")
    }

    @Test func aNewCountryIsExplainedAndAudited() async throws {
        let harness = try TestHarness(locator: try Self.locator())
        let (user, secret) = try await harness.aliceWithTOTP()
        let home = ClientInfo(ip: "1.1.1.1", userAgent: "Firefox/130.0", deviceID: "laptop-000001")
        _ = try await harness.signInAndStepUp(secret: secret, client: home)
        harness.clock.advance(2 * 3_600)
        let abroad = ClientInfo(ip: "2.2.2.2", userAgent: "Firefox/130.0", deviceID: "laptop-000001")
        let trip = try await harness.service.login(LoginAttempt(username: "alice", password: "correct horse battery"), client: abroad)
        #expect(trip.stepUp != nil)
        let decision = try await harness.service.decide(session: trip.session, user: user,
                                                        request: ActionRequest(action: "bank.balance.view"),
                                                        grantID: nil, client: abroad)
        let signal = try #require(decision.decision.risk.signals.first { $0.name == "new_country" })
        #expect(signal.evidence.contains("first sign-in from FR") && signal.evidence.contains("last from US"))
        let audited = try await harness.store.stores.audit.auditEvents(after: 0, limit: 200)
            .last { $0.event.type == "decision.step_up" }
        #expect(audited?.event.details["risk_signals"]?.contains("new_country") == true)
    }

    @Test func failedAttemptsAndManyUsernamesRaiseRisk() async throws {
        let harness = try TestHarness(locator: try Self.locator())
        let (user, secret) = try await harness.aliceWithTOTP()
        let client = ClientInfo(ip: "1.2.3.4", userAgent: "curl/8.0", deviceID: "script-000001")
        let first = try await harness.signInAndStepUp(secret: secret, client: client)
        for name in (0..<12).map({ "user\($0)" }) {
            await #expect(throws: StepUpError.self) {
                try await harness.service.login(LoginAttempt(username: name, password: "guess-guess"), client: client)
            }
        }
        for _ in 0..<5 {
            await #expect(throws: StepUpError.self) {
                try await harness.service.login(LoginAttempt(username: "alice", password: "guess-guess"), client: client)
            }
        }
        let decision = try await harness.service.decide(session: first.session, user: user,
                                                        request: ActionRequest(action: "bank.balance.view"),
                                                        grantID: nil, client: client)
        #expect(decision.decision.risk.has("failed_attempts"))
        #expect(decision.decision.risk.has("credential_stuffing"))
        #expect(decision.decision.outcome == .stepUp)
    }

    @Test func adminVerdictsOnAddressesCount() async throws {
        let harness = try TestHarness(locator: try Self.locator())
        let (user, secret) = try await harness.aliceWithTOTP()
        let client = ClientInfo(ip: "1.9.9.9", userAgent: "Firefox/130.0", deviceID: "laptop-000009")
        let first = try await harness.signInAndStepUp(secret: secret, client: client)
        try await harness.store.stores.addressRules.setAddressRule(
            AddressRule(cidr: "1.9.0.0/16", verdict: .blocked, note: "abuse", createdAt: harness.clock.now))
        let decision = try await harness.service.decide(session: first.session, user: user,
                                                        request: ActionRequest(action: "bank.balance.view"),
                                                        grantID: nil, client: client)
        #expect(decision.decision.outcome == .deny, "a blocked address is denied whatever the policy says")
        await #expect(throws: StepUpError.self) {
            try await harness.service.login(LoginAttempt(username: "alice", password: "correct horse battery"), client: client)
        }
        try await harness.store.stores.addressRules.setAddressRule(
            AddressRule(cidr: "1.9.0.0/16", verdict: .trusted, note: "office", createdAt: harness.clock.now))
        let trusted = try await harness.service.decide(session: first.session, user: user,
                                                       request: ActionRequest(action: "bank.balance.view"),
                                                       grantID: nil, client: client)
        #expect(trusted.decision.outcome == .allow)
    }
}
