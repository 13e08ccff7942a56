import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// "A grant is valid once, for `challenges.grant_lifetime_seconds`, for the same session and action."
@Suite("Grant scope", .timeLimit(.minutes(5)))
struct GrantScopeTests {
    /// The demo policy plus two actions that each want a fresh confirmation every time (`max_age: 0`, no binding).
    static let policy = Policy.demoYAML.replacingOccurrences(of: "\nrisk:\n", with: """

          - id: wire
            match: {action: bank.wire}
            require: {level: aal2, max_age: 0}

          - id: close
            match: {action: bank.close}
            require: {level: aal2, max_age: 0}

        risk:

        """)

    static let lifetime: TimeInterval = 120

    /// Asks for `action` without a grant, verifies the challenge with TOTP and returns the grant.
    static func grant(_ client: some TestClientProtocol, _ harness: TestHarness, token: String, secret: [UInt8],
                      action: String = "bank.wire") async throws -> String {
        let decision = try await client.json(.post, "/v1/decisions", token: token, body: ["action": action])
        #expect(decision.json["decision"] as? String == "step_up", "\(decision.text)")
        let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String, "\(decision.text)")
        let verified = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                             body: ["factor": "totp", "code": harness.totp(secret)])
        #expect(verified.status == .ok, "\(verified.text)")
        harness.clock.advance(30)  // the next code is a new time step
        return try #require(verified.json["grant"] as? String)
    }

    static func decide(_ client: some TestClientProtocol, token: String, action: String = "bank.wire",
                       grant: String) async throws -> String? {
        let reply = try await client.json(.post, "/v1/decisions", token: token,
                                          body: ["action": action, "grant": grant])
        return reply.json["decision"] as? String
    }

    @Test func theTestPolicyHasBothActions() throws {
        #expect(Self.policy.contains("id: wire") && Self.policy.contains("id: close"))
        _ = try Policy.load(yaml: Self.policy, file: "grant-scope")
    }

    @Test func aGrantExpiresAfterTheGrantLifetime() async throws {
        let harness = try TestHarness(policyYAML: Self.policy) {
            $0.challenges.grantLifetime = Self.lifetime
        }
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let late = try await Self.grant(client, harness, token: token, secret: secret)
            harness.clock.advance(Self.lifetime - 30 + 1)  // 1 s past the lifetime, counted from the verification
            #expect(try await Self.decide(client, token: token, grant: late) == "step_up", "an expired grant")

            let inTime = try await Self.grant(client, harness, token: token, secret: secret)
            harness.clock.advance(Self.lifetime - 30 - 1)
            #expect(try await Self.decide(client, token: token, grant: inTime) == "allow", "1 s before it expires")
        }
    }

    @Test func aGrantWorksOnlyForItsSessionAndItsAction() async throws {
        let harness = try TestHarness(policyYAML: Self.policy)
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let other = try await client.login()  // alice again, another session
            let grant = try await Self.grant(client, harness, token: token, secret: secret)

            #expect(try await Self.decide(client, token: other, grant: grant) == "step_up", "another session")
            #expect(try await Self.decide(client, token: token, action: "bank.close", grant: grant) == "step_up",
                    "another action")
            // Neither refusal spent it: the session and action it was approved for still get their one allow.
            #expect(try await Self.decide(client, token: token, grant: grant) == "allow")
            #expect(try await Self.decide(client, token: token, grant: grant) == "step_up", "single use")
        }
    }
}
