import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

@Suite("Decisions and challenges", .timeLimit(.minutes(5)))
struct DecisionAPITests {
    static func transfer(_ amount: Double, payee: String = "ACME Ltd", grant: String? = nil) -> [String: Any] {
        var body: [String: Any] = ["action": "bank.transfer",
                                   "context": ["transaction": ["amount": amount, "currency": "EUR", "payee": payee]]]
        if let grant { body["grant"] = grant }
        return body
    }

    @Test func transferStepsUpThenAllowsUntilStale() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let first = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(50))
            #expect(first.json["decision"] as? String == "step_up", "\(first.text)")
            #expect((first.json["requirement"] as? [String: Any])?["level"] as? String == "aal2")
            #expect(!(first.json["rules"] as? [String] ?? []).isEmpty)
            #expect(first.json["policy_version"] as? String == harness.service.policy.current.version)
            let challenge = try #require(first.json["challenge"] as? [String: Any])
            let id = try #require(challenge["id"] as? String)
            #expect(challenge["available_factors"] as? [String] == ["recovery_code", "totp"]
                || challenge["available_factors"] as? [String] == ["totp"])

            let verified = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                                 body: ["factor": "totp", "code": harness.totp(secret)])
            #expect(verified.status == .ok, "\(verified.text)")
            let allowed = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(50))
            #expect(allowed.json["decision"] as? String == "allow", "\(allowed.text)")

            harness.clock.advance(6 * 60)
            let stale = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(50))
            #expect(stale.json["decision"] as? String == "step_up", "max_age 5 minutes: \(stale.text)")
        }
    }

    @Test func boundGrantsWorkOnceAndOnlyForTheSameTransaction() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let large = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(5_000))
            #expect(large.json["decision"] as? String == "step_up")
            let challenge = try #require(large.json["challenge"] as? [String: Any])
            let id = try #require(challenge["id"] as? String)
            #expect((challenge["display"] as? [String: String])?["payee"] == "ACME Ltd")
            #expect((challenge["message"] as? String)?.contains("ACME Ltd") == true)
            let verified = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                                 body: ["factor": "totp", "code": harness.totp(secret)])
            #expect(verified.json["grant"] as? String == id)

            let otherPayee = try await client.json(.post, "/v1/decisions", token: token,
                                                   body: Self.transfer(5_000, payee: "Mallory", grant: id))
            #expect(otherPayee.json["decision"] as? String == "step_up", "grant bound to the approved payee")
            let ok = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(5_000, grant: id))
            #expect(ok.json["decision"] as? String == "allow", "\(ok.text)")
            let replay = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(5_000, grant: id))
            #expect(replay.json["decision"] as? String == "step_up", "a grant is single-use")
        }
    }

    @Test func wrongCodesUseUpTheChallengeAndCodesAreNeverReused() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let decision = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(5_000))
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            for left in stride(from: 4, through: 1, by: -1) {
                let wrong = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                                  body: ["factor": "totp", "code": "000000"])
                #expect(wrong.status == .unauthorized)
                #expect(wrong.json["attempts_left"] as? Int == left)
            }
            let last = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                             body: ["factor": "totp", "code": "000000"])
            #expect(last.status == .forbidden)
            let closed = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                               body: ["factor": "totp", "code": harness.totp(secret)])
            #expect(closed.status == .forbidden, "a failed challenge stays failed: \(closed.text)")
            #expect((closed.json["type"] as? String)?.hasSuffix("challenge-failed") == true)

            let again = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(5_000))
            let second = try #require((again.json["challenge"] as? [String: Any])?["id"] as? String)
            let code = harness.totp(secret)
            let ok = try await client.json(.post, "/v1/challenges/\(second)/verify", token: token,
                                           body: ["factor": "totp", "code": code])
            #expect(ok.status == .ok)
            let third = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(7_000))
            let thirdID = try #require((third.json["challenge"] as? [String: Any])?["id"] as? String)
            let replay = try await client.json(.post, "/v1/challenges/\(thirdID)/verify", token: token,
                                               body: ["factor": "totp", "code": code])
            #expect(replay.status == .unauthorized, "the same time step is never accepted twice")
        }
    }

    @Test func challengesOfOtherUsersAreInvisibleAndExpiredOnesSaySo() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        _ = try await harness.service.createUser(username: "bob", password: "bob's long password")
        try await harness.application().test(.router) { client in
            let alice = try await client.login()
            let bob = try await client.login("bob", "bob's long password")
            let decision = try await client.json(.post, "/v1/decisions", token: alice, body: Self.transfer(5_000))
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            #expect(try await client.json(.get, "/v1/challenges/\(id)", token: bob).status == .notFound)
            #expect(try await client.json(.get, "/v1/challenges/\(id)", token: alice).status == .ok)
            #expect(try await client.json(.get, "/v1/challenges/nope", token: alice).status == .notFound)
            harness.clock.advance(301)
            let expired = try await client.json(.post, "/v1/challenges/\(id)/verify", token: alice,
                                                body: ["factor": "totp", "code": harness.totp(secret)])
            #expect(expired.status == .gone)
        }
    }

    @Test func recoveryCodesWorkOnce() async throws {
        let harness = try TestHarness()
        let (user, _) = try await harness.aliceWithTOTP()
        let codes = try await harness.service.regenerateRecoveryCodes(user: user, client: ClientInfo(ip: nil))
        #expect(codes.count >= 10)
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let decision = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(5_000))
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            let used = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                             body: ["factor": "recovery_code", "code": codes[0]])
            #expect(used.status == .ok, "\(used.text)")
            let again = try await client.json(.post, "/v1/decisions", token: token, body: Self.transfer(6_000))
            let second = try #require((again.json["challenge"] as? [String: Any])?["id"] as? String)
            let reused = try await client.json(.post, "/v1/challenges/\(second)/verify", token: token,
                                               body: ["factor": "recovery_code", "code": codes[0]])
            #expect(reused.status == .unauthorized)
        }
    }

    @Test func adminAreaDeniesNonAdminsAndEveryDecisionIsAudited() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let admin = try await client.json(.post, "/v1/decisions", token: token,
                                              body: ["action": "admin.console.view"])
            #expect(admin.json["decision"] as? String == "deny", "\(admin.text)")
            let invalid = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bad action!"])
            #expect(invalid.status == .badRequest)
        }
        let types = try await harness.store.stores.audit.auditEvents(after: 0, limit: 100).map(\.event.type)
        #expect(types.contains("decision.deny"))
        #expect(types.contains("login.succeeded"))
        let decision = try await harness.store.stores.audit.auditEvents(after: 0, limit: 100)
            .first { $0.event.type == "decision.deny" }
        #expect(decision?.event.policyVersion == harness.service.policy.current.version)
        #expect(decision?.event.details["rules"]?.isEmpty == false)
    }
}

@Suite("Code guessing", .timeLimit(.minutes(5)))
struct CodeGuessingTests {
    @Test func openingChallengeAfterChallengeDoesNotAllowEndlessGuessing() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                     body: DecisionAPITests.transfer(5_000))
                let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
                for _ in 0..<5 {
                    statuses.append(try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                                          body: ["factor": "totp", "code": "000000"]).status)
                }
            }
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 5, "after 10 wrong codes: \(statuses)")
            let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                 body: DecisionAPITests.transfer(5_000))
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            let blocked = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                                body: ["factor": "totp", "code": harness.totp(secret)])
            #expect(blocked.status == .tooManyRequests, "even the right code waits")
            harness.clock.advance(901)
            let later = try await client.json(.post, "/v1/decisions", token: token,
                                              body: DecisionAPITests.transfer(5_000))
            let laterID = try #require((later.json["challenge"] as? [String: Any])?["id"] as? String)
            let ok = try await client.json(.post, "/v1/challenges/\(laterID)/verify", token: token,
                                           body: ["factor": "totp", "code": harness.totp(secret)])
            #expect(ok.status == .ok, "a delay, not a lock-out: \(ok.text)")
        }
    }
}
