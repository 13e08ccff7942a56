/// An `otpauth://` key URI, the format authenticator apps scan from a QR code
/// (Google Authenticator "Key Uri Format"): `otpauth://totp/Issuer:account?secret=…&issuer=Issuer&…`.
///
/// ```swift
/// let uri = OTPAuthURI(issuer: "StepUp", account: "alice@example.com", secret: secret)
/// uri.description
/// // otpauth://totp/StepUp:alice%40example.com?secret=…&issuer=StepUp&algorithm=SHA1&digits=6&period=30
/// ```
public struct OTPAuthURI: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable { case totp, hotp }

    public var kind: Kind
    public var issuer: String?
    public var account: String
    public var secret: [UInt8]
    public var algorithm: OTPAlgorithm
    public var digits: Int
    /// TOTP step length in seconds.
    public var period: Int
    /// HOTP initial counter.
    public var counter: UInt64

    public init(
        kind: Kind = .totp, issuer: String?, account: String, secret: [UInt8],
        algorithm: OTPAlgorithm = .sha1, digits: Int = 6, period: Int = 30, counter: UInt64 = 0
    ) {
        self.kind = kind
        self.issuer = issuer
        self.account = account
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.period = period
        self.counter = counter
    }

    /// The URI text. Every parameter is written explicitly, since some apps ignore non-default values
    /// only when they are missing.
    public var description: String {
        let label = (issuer.map { Self.percentEncode($0) + ":" } ?? "") + Self.percentEncode(account)
        var query = ["secret=\(Base32.encode(secret))"]
        if let issuer { query.append("issuer=\(Self.percentEncode(issuer))") }
        query.append("algorithm=\(algorithm.rawValue)")
        query.append("digits=\(digits)")
        switch kind {
        case .totp: query.append("period=\(period)")
        case .hotp: query.append("counter=\(counter)")
        }
        return "otpauth://\(kind.rawValue)/\(label)?\(query.joined(separator: "&"))"
    }

    /// RFC 3986 unreserved characters stay; everything else (including spaces, `:` and `@`) is %XX-encoded.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return out
    }

    /// Decodes %XX escapes; nil on a broken escape or invalid UTF-8.
    static func percentDecode(_ text: Substring) -> String? {
        var bytes = [UInt8]()
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard iterator.count >= 2,
                  let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
            iterator = iterator.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
