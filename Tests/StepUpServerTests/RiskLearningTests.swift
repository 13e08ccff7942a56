import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpGeo
import StepUpStore
import Testing
@testable import StepUpServer

/// Failure counters and history as StepUp itself records them (sign-ins and challenges through `StepUpService`
/// and the API), never re-implemented in the test.
@Suite("Risk learns from what happened", .timeLimit(.minutes(5)))
struct RiskLearningTests {
    static func signals(_ reply: (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any],
                                  text: String)) -> [String] {
        ((reply.json["risk"] as? [String: Any])?["signals"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    @Test func failedSignInsAndWrongCodesRaiseRiskForTheirWindowOnly() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let calm = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bank.balance.view"])
            #expect(Self.signals(calm).isEmpty, "\(calm.text)")
            #expect(calm.json["decision"] as? String == "allow")

            for _ in 0..<4 {
                let wrong = try await client.json(.post, "/v1/sessions", body: ["username": "alice", "password": "guess"])
                #expect(wrong.status == .unauthorized)
            }
            let four = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bank.balance.view"])
            #expect(!Self.signals(four).contains("failed_attempts"), "4 failures are under the threshold of 5")

            // A wrong code on a challenge is a failure too (StepUpService records it, not the test).
            let export = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bank.export"])
            let id = try #require((export.json["challenge"] as? [String: Any])?["id"] as? String, "\(export.text)")
            let wrongCode = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                                  body: ["factor": "totp", "code": harness.totp(secret, offset: 600)])
            #expect(wrongCode.status == .unauthorized)
            let five = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bank.balance.view"])
            #expect(Self.signals(five).contains("failed_attempts"), "\(five.text)")
            #expect(five.json["decision"] as? String == "step_up", "the raised risk asks for more: \(five.text)")

            harness.clock.advance(901)
            let later = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bank.balance.view"])
            #expect(!Self.signals(later).contains("failed_attempts"), "the window passed: \(later.text)")
        }
    }

    @Test func onlyACompletedSignInTeachesANewCountry() async throws {
        let harness = try TestHarness(locator: try RiskIntegrationTests.locator())
        let (user, secret) = try await harness.aliceWithTOTP()
        let home = ClientInfo(ip: "1.1.1.1", userAgent: "Firefox/130.0", deviceID: "laptop-000001")
        _ = try await harness.signInAndStepUp(secret: secret, client: home)
        let history = harness.store.stores.riskHistory
        let learned = try await history.riskHistory(userID: user.id)
        let abroad = ClientInfo(ip: "2.2.2.2", userAgent: "Firefox/130.0", deviceID: "laptop-000001")
        let password = LoginAttempt(username: "alice", password: "correct horse battery")

        // A stolen password from France: stepped up, never completed — twice. Nothing is learned.
        for _ in 0..<2 {
            harness.clock.advance(3_600)
            let attempt = try await harness.service.login(password, client: abroad)
            let decision = try #require(attempt.decision, "the sign-in from a new country is stepped up")
            #expect(decision.risk.has("new_country"))
            #expect(try await history.riskHistory(userID: user.id) == learned, "a pending sign-in teaches nothing")
        }

        // The owner completes the step-up: France joins the history, and the next sign-in there is calm.
        harness.clock.advance(3_600)
        let owner = try await harness.service.login(password, client: abroad)
        let challenge = try #require(owner.stepUp).challenge
        _ = try await harness.service.verify(challengeID: challenge.id,
                                             answer: StepUpAnswer(factor: .totp, code: harness.totp(secret)),
                                             session: owner.session, user: user, client: abroad)
        #expect(try await history.riskHistory(userID: user.id) != learned)
        harness.clock.advance(3_600)
        let again = try await harness.service.login(password, client: abroad)
        #expect(again.stepUp == nil, "France is known now")
        let decision = try await harness.service.decide(session: again.session, user: user,
                                                        request: ActionRequest(action: "bank.balance.view"),
                                                        grantID: nil, client: abroad)
        #expect(!decision.decision.risk.has("new_country"), "\(decision.decision.risk.signals)")
    }
}
