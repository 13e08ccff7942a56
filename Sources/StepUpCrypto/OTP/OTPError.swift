/// Why an OTP secret, parameter set or key URI was refused.
public struct OTPError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable { case invalidBase32, invalidParameters, invalidURI }

    private let code: Code
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// Text that is not RFC 4648 base32.
    public static func invalidBase32(_ reason: String) -> Self { .init(.invalidBase32, reason) }
    /// Digits, period, secret length or algorithm out of range.
    public static func invalidParameters(_ reason: String) -> Self { .init(.invalidParameters, reason) }
    /// An `otpauth://` URI that cannot be read.
    public static func invalidURI(_ reason: String) -> Self { .init(.invalidURI, reason) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        switch code {
        case .invalidBase32: "invalid base32: \(reason)"
        case .invalidParameters: "invalid OTP parameters: \(reason)"
        case .invalidURI: "invalid otpauth URI: \(reason)"
        }
    }
}
