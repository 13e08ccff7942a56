import Foundation
import Testing
@testable import StepUpCore

/// Fixed canonical texts of ``TransactionBinding``: the exact bytes the server hashes (SHA-256) into a challenge's
/// binding hash. StepUpCryptoTests' `BindingHashVectorTests` pins the digests of these same texts.
@Suite("Transaction binding: fixed vectors", .timeLimit(.minutes(5)))
struct TransactionBindingVectorTests {
    static let vectors: [(fields: [String], transaction: Attributes, action: String, text: String)] = [
        (["amount", "currency", "payee"], ["amount": 1500, "currency": "EUR", "payee": "ACME Ltd", "memo": "x"],
         "bank.transfer",
         #"{"action":"bank.transfer","fields":{"amount":1500,"currency":"EUR","payee":"ACME Ltd"},"v":2}"#),
        (["amount"], ["amount": "1500"], "bank.transfer",
         #"{"action":"bank.transfer","fields":{"amount":"1500"},"v":2}"#),
        (["absent"], [:], "t", #"{"action":"t","fields":{},"v":2}"#),
    ]

    @Test func knownRequestsHaveKnownCanonicalTexts() {
        for vector in Self.vectors {
            let request = ActionRequest(action: vector.action, context: RequestContext(transaction: vector.transaction))
            #expect(TransactionBinding(fields: vector.fields, request: request).canonical(action: vector.action)
                == vector.text)
        }
    }

    /// The engine hands exactly this text to the hash and carries the hash's answer unchanged.
    @Test func theEngineHashesTheCanonicalText() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - {id: bound, match: {action: bank.transfer}, require: {level: aal2, bind: [amount, currency, payee]}}
        """)
        let vector = Self.vectors[0]
        let input = PolicyFixture.input(vector.action, context: RequestContext(transaction: vector.transaction))
        var hashed: [String] = []
        let result = DecisionEngine().decide(policy: policy, input: input) { text in
            hashed.append(text)
            return "digest-of-\(text.count)"
        }
        #expect(hashed == [vector.text])
        #expect(result.bindingHash == "digest-of-\(vector.text.count)")
        #expect(result.decision.outcome == .stepUp)
    }
}
