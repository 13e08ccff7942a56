import Foundation
import StepUpCore

/// Seals messages for the outbox and opens them for their channel. The payload carries a one-time code, so it
/// is sealed like any stored secret, bound to the message id.
public struct OutboxSealing: Sendable {
    let crypto: CredentialCrypto
    static let owner = "outbox"

    public init(crypto: CredentialCrypto) {
        self.crypto = crypto
    }

    /// A pending outbox row for `message` on `channel`, due at `at`.
    func seal(_ message: OutboundMessage, channel: String, at: Date) throws -> OutboxMessage {
        let id = Tokens.id(prefix: "msg")
        let payload = try JSONEncoder().encode(message)
        return OutboxMessage(id: id, idempotencyKey: message.idempotencyKey, channel: channel,
                             sealedPayload: try crypto.seal(Array(payload), owner: Self.owner, factor: id),
                             nextAttemptAt: at, createdAt: at)
    }

    func open(_ message: OutboxMessage) throws -> OutboundMessage {
        let bytes = try crypto.open(message.sealedPayload, owner: Self.owner, factor: message.id)
        return try JSONDecoder().decode(OutboundMessage.self, from: Data(bytes))
    }
}
