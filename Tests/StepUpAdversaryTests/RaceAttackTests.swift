import Foundation
import HTTPTypes
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// Item 5 of issue #8: budgets hold when the attacker sends everything at once.
@Suite("Racing clients", .timeLimit(.minutes(5)))
struct RaceAttackTests {
    /// 40 wrong codes at once on one 5-attempt challenge: at most 5 are evaluated and recorded.
    @Test func racingWrongCodesSpendOnlyTheChallengesAttempts() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            let decision = try await client.decide(owner.token, "bank.transfer",
                                                   transaction: ["amount": 1500, "currency": "EUR", "payee": "X"])
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            let failedBefore = try await server.audit("challenge.failed").count
            let replies = try await race(40) { index in
                try await client.send(.post, "/v1/challenges/\(id)/verify", token: owner.token,
                                      json: ["factor": "totp", "code": String(format: "%06d", index)])
            }
            let evaluated = try await server.audit("challenge.failed").count - failedBefore
            #expect(evaluated <= 5, "\(evaluated) wrong codes were evaluated")
            #expect(replies.filter { $0.problemType == "invalid-code" }.count <= 4)
            #expect(replies.allSatisfy { $0.status != .ok })
            let challenge = try #require(try await server.store.challenge(id: id))
            #expect(challenge.status == .failed)
            #expect(challenge.attemptsLeft == 0)
        }
    }

    /// Many wrong passwords at once from one address: no more are evaluated than the address may fail.
    @Test func racingSignInsSpendOnlyTheAddressBudget() async throws {
        try await AdversaryServer.with(configure: { $0.login.maxFailuresPerAddress = 6 }) { server, client in
            try await server.user(totp: false)
            let replies = try await race(30) { index in
                try await client.signIn(password: "guess number \(index)", ip: "198.51.100.9")
            }
            #expect(try await server.audit("login.failed").count == 6)
            #expect(replies.filter { $0.status == .tooManyRequests }.count == 24)
            #expect(replies.filter { $0.status == .tooManyRequests }.allSatisfy { $0.headers[.retryAfter] != nil })
        }
    }

    /// 50 uses of one grant at once: exactly one is allowed.
    @Test func aGrantIsUsedExactlyOnceUnderARace() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            nonisolated(unsafe) let transfer: [String: Any] = ["amount": 1500, "currency": "EUR", "payee": "ACME Ltd"]
            let decision = try await client.decide(owner.token, "bank.transfer", transaction: transfer)
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            let verified = try await client.send(.post, "/v1/challenges/\(id)/verify", token: owner.token,
                                                 json: ["factor": "totp", "code": server.code(secret)])
            #expect(verified.status == .ok)
            let outcomes = try await race(50) { _ in
                try await client.decide(owner.token, "bank.transfer", transaction: transfer, grant: id)
                    .json["decision"] as? String
            }
            #expect(outcomes.filter { $0 == "allow" }.count == 1)
            #expect(outcomes.filter { $0 == "step_up" }.count == 49)
        }
    }
}
