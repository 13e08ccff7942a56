import Crypto
import Foundation
import StepUpTestSupport
import Testing

/// The transaction binding hash is SHA-256 (swift-crypto, as the server computes it) of the canonical text that
/// StepUpCoreTests pins in `TransactionBindingVectorTests`; these pin the hex digests and re-derive them with
/// Python's hashlib.
@Suite("Binding hash: fixed vectors", .ownThread, .timeLimit(.minutes(5)))
struct BindingHashVectorTests {
    static let vectors: [(text: String, sha256: String)] = [
        (#"{"action":"bank.transfer","fields":{"amount":1500,"currency":"EUR","payee":"ACME Ltd"},"v":2}"#,
         "8d2848e5091e74639dc9350a3e4cbff12b6af3622b0d82f641123332903c9393"),
        (#"{"action":"bank.transfer","fields":{"amount":"1500"},"v":2}"#,
         "6adad34092ee077b73d64006aad25f31bc4ce6dd5011b6b7a4833cac9a7654bf"),
        (#"{"action":"t","fields":{},"v":2}"#, "304d4f1a6c81b5618853826f73ad5432c9c25ee0f4dbec6291fb5ac52b4426c7"),
    ]

    static func sha256Hex(_ text: String) -> String { TestSupport.hexString(Array(SHA256.hash(data: Data(text.utf8)))) }

    @Test func knownCanonicalTextsHaveKnownDigests() {
        for vector in Self.vectors { #expect(Self.sha256Hex(vector.text) == vector.sha256, "\(vector.text)") }
    }

    @Test func hashlibAgrees() throws {
        guard TestSupport.require("python3") else { return }
        let script = """
        import sys, json, hashlib
        print(json.dumps([hashlib.sha256(t.encode()).hexdigest() for t in json.load(sys.stdin)]))
        """
        let digests = try TestSupport.python(script, input: Self.vectors.map(\.text), as: [String].self)
        #expect(digests == Self.vectors.map(\.sha256))
    }
}
