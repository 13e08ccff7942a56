import Crypto
import Foundation

/// Voluntary Application Server Identification (RFC 8292): an ES256 JWT for the push service's origin, sent as
/// `Authorization: vapid t=<jwt>, k=<public key>`.
public struct VAPID: Sendable {
    public let key: P256.Signing.PrivateKey
    /// `mailto:` or `https:` contact for the push service's operator.
    public let subject: String

    public init(key: P256.Signing.PrivateKey, subject: String) {
        self.key = key
        self.subject = subject
    }

    /// The public key as push subscriptions want it (`applicationServerKey`): the uncompressed point, base64url.
    public var publicKey: String { Base64.encode(Array(key.publicKey.x963Representation), alphabet: Base64.url) }

    /// The `Authorization` header value for a request to `endpoint`, valid 12 hours from `now` (at most 24 hours).
    public func authorization(endpoint: String, now: Date) throws -> String {
        guard let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host else {
            throw WebPushEncryption.Failure(description: "the push endpoint is not a URL")
        }
        var audience = "\(scheme)://\(host)"
        if let port = url.port, !(scheme == "https" && port == 443) && !(scheme == "http" && port == 80) {
            audience += ":\(port)"
        }
        let header = #"{"typ":"JWT","alg":"ES256"}"#
        let claims = try JSONSerialization.data(withJSONObject: [
            "aud": audience, "exp": Int(now.timeIntervalSince1970) + 12 * 3_600, "sub": subject,
        ], options: [.sortedKeys, .withoutEscapingSlashes])
        let input = Self.base64URL(Array(header.utf8)) + "." + Self.base64URL(Array(claims))
        let signature = try key.signature(for: Array(input.utf8))
        let token = input + "." + Self.base64URL(Array(signature.rawRepresentation))
        return "vapid t=\(token), k=\(publicKey)"
    }

    static func base64URL(_ bytes: [UInt8]) -> String { Base64.encode(bytes, alphabet: Base64.url) }

    /// Base64url without padding, decoded (also accepts the standard alphabet's `+` and `/`).
    public static func decodeBase64URL(_ text: String) -> [UInt8]? {
        let normalized = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return Base64.decode(normalized, alphabet: Base64.url)
    }
}
