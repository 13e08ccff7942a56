import Foundation
import HTTPTypes
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// "An account gets 10 wrong codes per 15 minutes across all paths": an attacker with the password opens
/// challenge after challenge and sends every guess at once.
@Suite("Wrong-code budget under fire", .timeLimit(.minutes(5)))
struct CodeBudgetAttackTests {
    /// The README's numbers, pinned here rather than read from the code under test.
    static let promised = 10
    static let window = 15 * 60

    @Test func racingGuessesAcrossChallengesGetTenEvaluationsThenRetryAfter() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            // Four challenges allow 20 attempts between them; the account allows 10.
            var challenges: [String] = []
            for amount in [1_500, 1_600, 1_700, 1_800] {
                let decision = try await client.decide(owner.token, "bank.transfer",
                                                       transaction: ["amount": amount, "currency": "EUR", "payee": "X"])
                challenges.append(try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String))
            }
            let valid = Set((-1...1).map { server.code(secret, steps: $0) })
            let guesses = (0..<40).map { String(format: "%06d", $0 * 7_919 % 1_000_000) }.filter { !valid.contains($0) }
            let failedBefore = try await server.audit("challenge.failed").count
            let ids = challenges
            let replies = try await race(20) { index in
                try await client.send(.post, "/v1/challenges/\(ids[index % 4])/verify", token: owner.token,
                                      json: ["factor": "totp", "code": guesses[index]], ip: "198.51.100.\(index)")
            }
            let evaluated = try await server.audit("challenge.failed").count - failedBefore
            #expect(evaluated == Self.promised, "\(evaluated) guesses were checked")
            let limited = replies.filter { $0.status == .tooManyRequests }
            #expect(limited.count == 20 - Self.promised, "\(replies.map(\.status))")
            #expect(replies.filter { ["invalid-code", "challenge-failed"].contains($0.problemType) }.count
                == Self.promised)
            for reply in limited {
                #expect(reply.problemType == "rate-limited")
                let header = try #require(reply.headers[.retryAfter], "429 without Retry-After")
                let seconds = try #require(Int(header), "Retry-After is a number of seconds: \(header)")
                #expect((1...Self.window).contains(seconds))
                #expect(reply.json["retry_after"] as? Int == seconds, "the body's retry_after is the same number")
                #expect(!(reply.json["retry_after"] is String))
            }

            // Spent means spent: the right code on a fresh challenge waits too.
            let decision = try await client.decide(owner.token, "bank.transfer",
                                                   transaction: ["amount": 1_900, "currency": "EUR", "payee": "X"])
            let fresh = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            let blocked = try await client.send(.post, "/v1/challenges/\(fresh)/verify", token: owner.token,
                                                json: ["factor": "totp", "code": server.code(secret)])
            #expect(blocked.status == .tooManyRequests)
            let wait = try #require(blocked.headers[.retryAfter].flatMap { Int($0) })

            // A delay, not a lock-out: after the time the server named, the owner gets through.
            server.clock.advance(TimeInterval(wait))
            let later = try await client.decide(owner.token, "bank.transfer",
                                                transaction: ["amount": 1_900, "currency": "EUR", "payee": "X"])
            let laterID = try #require((later.json["challenge"] as? [String: Any])?["id"] as? String)
            let ok = try await client.send(.post, "/v1/challenges/\(laterID)/verify", token: owner.token,
                                           json: ["factor": "totp", "code": server.code(secret)])
            #expect(ok.status == .ok, "after Retry-After (\(wait) s): \(ok.text)")
        }
    }
}
