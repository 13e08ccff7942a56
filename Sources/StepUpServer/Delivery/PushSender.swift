import Foundation

/// Where an approver's notifications go: its push subscription (sealed at rest).
public struct PushSubscription: Sendable, Codable, Hashable {
    public var endpoint: String
    /// The browser's P-256 key, uncompressed point, base64url.
    public var p256dh: String
    /// The 16-byte authentication secret, base64url.
    public var auth: String

    public init(endpoint: String, p256dh: String, auth: String) {
        self.endpoint = endpoint
        self.p256dh = p256dh
        self.auth = auth
    }
}

/// Delivers one push notification. The Web Push sender encrypts for the browser; the webhook sender hands the
/// notification to the operator's relay.
public protocol PushSender: Sendable {
    func send(_ payload: [UInt8], to subscription: PushSubscription, ttl: Int, idempotencyKey: String) async throws
}

/// The outbox channel of push notifications: the message's `to` is the subscription (JSON), its body the payload.
struct PushChannel: MessageChannel {
    let sender: any PushSender
    let ttl: Int

    func deliver(_ message: OutboundMessage) async throws {
        guard let subscription = try? JSONDecoder().decode(PushSubscription.self, from: Data(message.to.utf8)) else {
            throw DeliveryError("the push subscription is unreadable", permanent: true)
        }
        try await sender.send(Array(message.body.utf8), to: subscription, ttl: ttl,
                              idempotencyKey: message.idempotencyKey)
    }
}
