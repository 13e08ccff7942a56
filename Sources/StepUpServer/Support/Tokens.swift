import Crypto
import Foundation

/// Random identifiers and bearer tokens, and the hashes under which tokens are stored.
enum Tokens {
    /// A URL-safe random string with `bytes` bytes of entropy (base64url, no padding).
    static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64URLEncoded()
    }

    /// An identifier for records: 16 random bytes.
    static func id(prefix: String) -> String { prefix + "_" + random(bytes: 16) }

    /// SHA-256 hex of a token: what the database keeps, so a leaked database yields no usable token.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }
}

extension Data {
    func base64URLEncoded() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}

extension Digest {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
