import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Push notifications for a relay the operator runs (to APNs, FCM, ntfy, Gotify): `POST` the JSON
/// `{"subscription": {...}, "notification": <payload>}` with `StepUp-Signature: t=<unix seconds>,v1=<hex>`,
/// HMAC-SHA256 with the shared secret over `"<t>.<body>"` (the relay checks it and the time).
public struct WebhookPushSender: PushSender {
    let settings: ServerConfiguration.PushWebhook
    let client: HTTPClient
    let now: @Sendable () -> Date

    public init(settings: ServerConfiguration.PushWebhook, client: HTTPClient = .shared,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.client = client
        self.now = now
    }

    public func send(_ payload: [UInt8], to subscription: PushSubscription, ttl: Int, idempotencyKey: String)
        async throws
    {
        let notification = try JSONSerialization.jsonObject(with: Data(payload))
        let body = try JSONSerialization.data(withJSONObject: [
            "subscription": ["endpoint": subscription.endpoint, "p256dh": subscription.p256dh,
                             "auth": subscription.auth],
            "notification": notification, "ttl": ttl,
        ], options: [.sortedKeys])
        let timestamp = Int(now().timeIntervalSince1970)
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.headers.add(name: "StepUp-Signature",
                            value: "t=\(timestamp),v1=\(Self.signature(body: Array(body), timestamp: timestamp, secret: settings.secret))")
        request.body = .bytes(ByteBuffer(bytes: body))
        let (code, _) = try await client.deliver(request, timeout: .milliseconds(Int64(settings.timeout * 1_000)),
                                                 label: "push webhook")
        guard (200..<300).contains(code) else {
            throw DeliveryError("push webhook answered \(code)",
                                permanent: (400..<500).contains(code) && code != 408 && code != 429)
        }
    }

    /// Hex HMAC-SHA256 over `"<timestamp>.<body>"`.
    static func signature(body: [UInt8], timestamp: Int, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body,
                                                  using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
