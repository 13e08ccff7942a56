import Foundation
import HTTPTypes
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// Items 6, 7, 10 and 15 of issue #8: grants carry what was proven, one value per name, typed binding,
/// step-ups that finish.
@Suite("Attacks on grants and requirements", .timeLimit(.minutes(5)))
struct GrantAttackTests {
    static let tieredPolicy = Policy.demoYAML.replacingOccurrences(of: "rules:\n", with: """
    rules:
      - id: small-payout
        match: {action: payout, context: {amount: {"<=": 100}}}
        require: {level: aal2, max_age: 0}
      - id: large-payout
        match: {action: payout, context: {amount: {">": 100}}}
        require: {level: aal2, max_age: 0, factors: [totp, webauthn]}
      - id: strict-app
        match: {action: reports.export}
        require: {level: aal2, factors: [webauthn, totp]}
      - id: totp-only
        match: {action: keys.rotate}
        require: {level: aal2, factors: [totp]}

    """)

    /// Item 6: a grant proven with a recovery code does not satisfy a rule that allows only TOTP or WebAuthn.
    @Test func aGrantOnlySatisfiesWhatItProved() async throws {
        try await AdversaryServer.with(policyYAML: Self.tieredPolicy) { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            let codes = try await client.send(.post, "/v1/factors/recovery-codes", token: owner.token)
            let code = try #require((codes.json["codes"] as? [String])?.first, "\(codes.text)")
            let small = try await client.decide(owner.token, "payout", transaction: ["amount": 5])
            let id = try #require((small.json["challenge"] as? [String: Any])?["id"] as? String)
            let verified = try await client.send(.post, "/v1/challenges/\(id)/verify", token: owner.token,
                                                 json: ["factor": "recovery_code", "code": code])
            #expect(verified.status == .ok, "\(verified.text)")
            let large = try await client.decide(owner.token, "payout", transaction: ["amount": 500], grant: id)
            #expect(large.json["decision"] as? String == "step_up", "\(large.text)")
            let smallAgain = try await client.decide(owner.token, "payout", transaction: ["amount": 5], grant: id)
            #expect(smallAgain.json["decision"] as? String == "allow", "the grant still fits what it proved")
        }
    }

    /// Item 7: a name set both as a transaction field and as an attribute is refused.
    @Test func shadowedFieldsAreRefused() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            let shadowed = try await client.decide(owner.token, "bank.transfer",
                                                   transaction: ["amount": 15000, "currency": "EUR", "payee": "M"],
                                                   attributes: ["amount": 1])
            #expect(shadowed.status == .badRequest, "\(shadowed.text)")
            #expect(shadowed.text.contains("amount"))
            let plain = try await client.decide(owner.token, "bank.transfer",
                                                transaction: ["amount": 15000, "currency": "EUR", "payee": "M"])
            #expect((plain.json["rules"] as? [String])?.contains("transfer-large") == true)
        }
    }

    /// Item 10: approving the string "1500" does not approve the number 1500; big integers keep every digit.
    @Test func theBindingKeepsTypesAndDigits() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            func approve(_ amount: Any) async throws -> String {
                let decision = try await client.decide(owner.token, "bank.transfer",
                                                       transaction: ["amount": amount, "currency": "EUR", "payee": "P"])
                let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String,
                                      "\(decision.text)")
                server.clock.advance(30)
                let verified = try await client.send(.post, "/v1/challenges/\(id)/verify", token: owner.token,
                                                     json: ["factor": "totp", "code": server.code(secret)])
                #expect(verified.status == .ok, "\(verified.text)")
                return id
            }
            let asText = try await approve("1500")
            let asNumber = try await client.decide(owner.token, "bank.transfer",
                                                   transaction: ["amount": 1500, "currency": "EUR", "payee": "P"],
                                                   grant: asText)
            #expect(asNumber.json["decision"] as? String == "step_up")
            let raw = """
            {"action":"bank.transfer","grant":"GRANT","context":{"transaction":\
            {"amount":9007199254740993,"currency":"EUR","payee":"P"}}}
            """
            let big = try await approve(NSDecimalNumber(string: "9007199254740993"))
            let other = try await client.send(.post, "/v1/decisions", token: owner.token,
                                              json: try JSONSerialization.jsonObject(with: Data(raw
                                                .replacingOccurrences(of: "GRANT", with: big)
                                                .replacingOccurrences(of: "993", with: "992").utf8)))
            #expect(other.json["decision"] as? String == "step_up", "2^53+1 and 2^53 are different amounts")
        }
    }

    /// Item 15: a rule's `factors` restricts the step-up factor, not the password; a stale password is asked for
    /// in the same ceremony; nothing loops.
    @Test func stepUpsFinish() async throws {
        try await AdversaryServer.with(policyYAML: Self.tieredPolicy) { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            server.clock.advance(2 * 3_600)
            for action in ["reports.export", "keys.rotate"] {
                let first = try await client.decide(owner.token, action)
                #expect(first.json["decision"] as? String != "deny", "\(action): \(first.text)")
                if let id = (first.json["challenge"] as? [String: Any])?["id"] as? String {
                    server.clock.advance(30)
                    let verified = try await client.send(.post, "/v1/challenges/\(id)/verify", token: owner.token,
                                                         json: ["factor": "totp", "code": server.code(secret)])
                    #expect(verified.status == .ok, "\(verified.text)")
                }
                #expect(try await client.decide(owner.token, action).json["decision"] as? String == "allow", "\(action)")
            }
            // A day later the password is older than aal2 allows: the challenge asks for it too.
            server.clock.advance(25 * 3_600)
            let keep = try await client.decide(owner.token, "bank.balance.view")
            #expect(keep.json["decision"] as? String == "allow")
            let stale = try await client.decide(owner.token, "keys.rotate")
            let challenge = try #require(stale.json["challenge"] as? [String: Any], "\(stale.text)")
            #expect(challenge["password_required"] as? Bool == true)
            let id = try #require(challenge["id"] as? String)
            let codeOnly = try await client.send(.post, "/v1/challenges/\(id)/verify", token: owner.token,
                                                 json: ["factor": "totp", "code": server.code(secret)])
            #expect(codeOnly.problemType == "password-required")
            let both = try await client.send(.post, "/v1/challenges/\(id)/verify", token: owner.token,
                                             json: ["factor": "totp", "code": server.code(secret),
                                                    "password": "correct horse battery"])
            #expect(both.status == .ok, "\(both.text)")
            #expect(try await client.decide(owner.token, "keys.rotate").json["decision"] as? String == "allow")
        }
    }
}
