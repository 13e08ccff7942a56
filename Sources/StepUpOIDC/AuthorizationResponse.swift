import Foundation

/// The redirect that ends an authorization request (RFC 6749 §4.1.2, RFC 9207 `iss`).
public enum AuthorizationResponse {
    /// `redirectURI` with `code`, `state` and `iss` added to its query (an existing query is kept).
    public static func success(redirectURI: String, code: String, state: String?, issuer: String) -> String {
        append(to: redirectURI, [("code", code)] + (state.map { [("state", $0)] } ?? []) + [("iss", issuer)])
    }

    /// The error redirect; only for a rejection whose redirect URI was verified.
    public static func failure(_ rejection: AuthorizationRejection, issuer: String) -> String? {
        guard let redirectURI = rejection.redirectURI else { return nil }
        return append(to: redirectURI, rejection.error.redirectParameters
            + (rejection.state.map { [("state", $0)] } ?? []) + [("iss", issuer)])
    }

    /// Registered redirect URIs carry no fragment (RFC 6749 §3.1.2), so only the query needs care.
    static func append(to uri: String, _ parameters: [(String, String)]) -> String {
        let query = parameters.map { "\(FormEncoding.escape($0.0))=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
        let separator = uri.contains("?") ? (uri.hasSuffix("?") || uri.hasSuffix("&") ? "" : "&") : "?"
        return uri + separator + query
    }
}

/// `application/x-www-form-urlencoded` (WHATWG URL §5), as OAuth uses it for queries, bodies and Basic credentials.
public enum FormEncoding {
    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) { out.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { out += String(format: "%%%02X", byte) }
        }
        return out
    }

    /// Decodes `+` as space and `%XX`; nil on a malformed escape or invalid UTF-8.
    public static func unescape(_ text: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Parses `a=1&b=2`; nil when any pair is malformed.
    public static func parse(_ body: some StringProtocol) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = unescape(parts[0]), let value = unescape(parts.count > 1 ? parts[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }
}
