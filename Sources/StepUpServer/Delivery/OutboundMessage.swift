import Foundation

/// What one channel sends: a recipient, a subject (e-mail only) and a text body. Sealed in the outbox.
public struct OutboundMessage: Sendable, Codable, Hashable {
    /// An e-mail address or an E.164 phone number.
    public var to: String
    public var subject: String
    public var body: String
    /// The outbox's idempotency key, passed on so a receiver can drop a repeat.
    public var idempotencyKey: String

    public init(to: String, subject: String, body: String, idempotencyKey: String) {
        self.to = to
        self.subject = subject
        self.body = body
        self.idempotencyKey = idempotencyKey
    }
}

/// A way out: SMTP, a webhook, a folder. Called only by the ``OutboxDispatcher``, never inside a request.
public protocol MessageChannel: Sendable {
    /// Sends `message`; returns once the receiving side has accepted it. Throws ``DeliveryError``.
    func deliver(_ message: OutboundMessage) async throws
}

/// A failed delivery: `permanent` when trying again cannot help (the server refused the recipient).
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var permanent: Bool

    public init(_ reason: String, permanent: Bool = false) {
        self.reason = reason
        self.permanent = permanent
    }

    public var description: String { reason }
}
