import Foundation
import StepUpCore
import StepUpCrypto

/// Where a code was sent, as the API tells it (masked) and when it stops working.
public struct SentCode: Sendable {
    public var factorID: String
    public var destination: String
    public var expiresAt: Date
}

/// One-time codes sent out of band: issued for one scope, sealed, queued in the outbox, checked once.
extension StepUpService {
    static func challengeScope(_ challengeID: String) -> String { "challenge:" + challengeID }
    static func enrollmentScope(_ factorID: String) -> String { "enroll:" + factorID }

    /// A new random code of `digits` digits (uniform, from the system generator).
    static func newCode(digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }

    /// Stores a new code for `scope` and queues its message; the message text gets the code.
    func issueCode(user: UserRecord, factorID: String, scope: String, digits: Int, lifetime: TimeInterval,
                   channel: String, to destination: String, at: Date,
                   message: (String) -> (subject: String, body: String)) async throws -> Date {
        let code = Self.newCode(digits: digits)
        let record = OneTimeCodeRecord(id: Tokens.id(prefix: "otc"), userID: user.id, factorID: factorID, scope: scope,
                                       sealedCode: try crypto.seal(Array(code.utf8), owner: user.id, factor: scope),
                                       createdAt: at, expiresAt: at.addingTimeInterval(lifetime))
        try await stores.codes.addCode(record)
        let text = message(code)
        // The code's id is the idempotency key: one message per code, whatever happens to the sender.
        let outbound = OutboundMessage(to: destination, subject: text.subject, body: text.body,
                                       idempotencyKey: record.id)
        _ = try await stores.outbox.enqueue(OutboxSealing(crypto: crypto).seal(outbound, channel: channel, at: at))
        return record.expiresAt
    }

    /// Whether `code` is an open code of `scope`; a match is consumed atomically (one of N racing submissions wins).
    /// Every open code is compared in constant time.
    func consumeCode(_ code: String, user: UserRecord, scope: String, at: Date) async throws -> Bool {
        let candidate = Array(code.trimmingCharacters(in: .whitespaces).utf8)
        guard (6...8).contains(candidate.count), candidate.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return false
        }
        for record in try await stores.codes.openCodes(scope: scope, at: at) where record.userID == user.id {
            guard let stored = try? crypto.open(record.sealedCode, owner: user.id, factor: scope),
                  ConstantTime.equals(stored, candidate)
            else { continue }
            return try await stores.codes.consumeCode(id: record.id, at: at)
        }
        return false
    }

    /// The text that names what a code approves: "approves transfer of 1500 EUR to ACME Ltd" for a bound
    /// challenge (PSD2 dynamic linking), "confirms <action>" otherwise.
    static func codePurpose(_ challenge: Challenge) -> String {
        guard challenge.bindingHash != nil else { return "confirms \(challenge.action)" }
        if var message = challenge.requirement.renderedMessage(with: challenge.display), !message.isEmpty {
            if message.lowercased().hasPrefix("approve ") { message = String(message.dropFirst(8)) }
            return "approves " + message
        }
        let fields = challenge.display.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return "approves \(challenge.action): " + fields.joined(separator: ", ")
    }
}
