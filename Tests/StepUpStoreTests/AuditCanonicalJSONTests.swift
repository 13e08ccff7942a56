import Foundation
import StepUpCore
import StepUpStore
import Testing

/// The audit chain hashes a canonical JSON text written by a fast, order-aware writer; the generic RFC 8785
/// writer is the reference. Any difference would break verification of every chain written before.
@Suite("Audit canonical JSON", .timeLimit(.minutes(5)))
struct AuditCanonicalJSONTests {
    @Test func theFastWriterMatchesTheGenericOneOnHostileEvents() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [String] = ["a", "Z", "0", "\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{7F}", "é", "€", "𝄞", " ",
                                  "/", "\u{2028}", "{", ":", ",", "\u{E000}", "\u{FFFD}"]
        func text() -> String {
            (0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
                .joined()
        }
        for _ in 0..<2_000 {
            var details: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) { details[text()] = text() }
            let event = AuditEventDraft(
                type: text(), at: Date(timeIntervalSince1970: Double.random(in: -1e9...4e9, using: &generator)),
                userID: Bool.random(using: &generator) ? text() : nil,
                sessionID: Bool.random(using: &generator) ? text() : nil,
                ip: Bool.random(using: &generator) ? text() : nil,
                policyVersion: Bool.random(using: &generator) ? text() : nil, details: details)
            let sequence = Int64.random(in: 1...Int64.max, using: &generator)
            let fast = AuditChain.canonicalJSON(sequence: sequence, event: event)
            #expect(fast == AuditChain.genericCanonicalJSON(sequence: sequence, event: event), "\(event)")
            #expect((try? JSONSerialization.jsonObject(with: Data(fast.utf8))) != nil, "not JSON: \(fast)")
        }
    }
}
