import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StepUpCrypto

/// Web Push: the payload encrypted for the browser (RFC 8291, `aes128gcm`), the server identified by VAPID
/// (RFC 8292), delivered to the subscription's push service (RFC 8030).
public struct WebPushSender: PushSender {
    let vapid: VAPID
    let client: HTTPClient
    let now: @Sendable () -> Date

    public init(vapid: VAPID, client: HTTPClient = .shared, now: @escaping @Sendable () -> Date = { Date() }) {
        self.vapid = vapid
        self.client = client
        self.now = now
    }

    public func send(_ payload: [UInt8], to subscription: PushSubscription, ttl: Int, idempotencyKey: String)
        async throws
    {
        guard let receiver = VAPID.decodeBase64URL(subscription.p256dh),
              let auth = VAPID.decodeBase64URL(subscription.auth)
        else { throw DeliveryError("the push subscription's keys are not base64url", permanent: true) }
        let body: [UInt8]
        do {
            body = try WebPushEncryption.encrypt(payload, receiverKey: receiver, authSecret: auth)
        } catch {
            throw DeliveryError("cannot encrypt for this subscription: \(error)", permanent: true)
        }
        var request = HTTPClientRequest(url: subscription.endpoint)
        request.method = .POST
        request.headers.add(name: "Authorization", value: try vapid.authorization(endpoint: subscription.endpoint,
                                                                                  now: now()))
        request.headers.add(name: "Content-Encoding", value: "aes128gcm")
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.headers.add(name: "TTL", value: String(ttl))
        request.headers.add(name: "Urgency", value: "high")
        // RFC 8030 §5.4: a notification with the same topic replaces an undelivered one (one prompt per challenge).
        request.headers.add(name: "Topic", value: String(idempotencyKey.filter { $0.isLetter || $0.isNumber }.prefix(32)))
        request.body = .bytes(ByteBuffer(bytes: body))
        let (code, _) = try await client.deliver(request, timeout: .seconds(15), label: "push service")
        guard (200..<300).contains(code) else {
            // 404/410: the subscription is gone; 400/403/413: the request is wrong. Retrying cannot help.
            throw DeliveryError("push service answered \(code)", permanent: [400, 403, 404, 410, 413].contains(code))
        }
    }
}
