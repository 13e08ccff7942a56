/// Why a password hash could not be computed, parsed or verified.
public struct PasswordHashError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case malformedHash, unsupportedScheme, invalidParameters, limitExceeded, overloaded
    }

    private let code: Code
    /// A human-readable reason; never contains the password.
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The stored hash string is not in a format we can read.
    public static func malformedHash(_ reason: String) -> Self { .init(.malformedHash, reason) }
    /// The hash names an algorithm we do not verify.
    public static func unsupportedScheme(_ reason: String) -> Self { .init(.unsupportedScheme, reason) }
    /// Parameters outside the algorithm's legal ranges.
    public static func invalidParameters(_ reason: String) -> Self { .init(.invalidParameters, reason) }
    /// Parameters above the configured ``Argon2Limits`` (a hostile or corrupted hash).
    public static func limitExceeded(_ reason: String) -> Self { .init(.limitExceeded, reason) }
    /// The hashing pool's queue is full; retry later.
    public static func overloaded(_ reason: String) -> Self { .init(.overloaded, reason) }

    public var isMalformed: Bool { code == .malformedHash || code == .unsupportedScheme }
    public var isLimitExceeded: Bool { code == .limitExceeded }
    public var isOverloaded: Bool { code == .overloaded }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String {
        switch code {
        case .malformedHash: "malformed password hash: \(reason)"
        case .unsupportedScheme: "unsupported password hash scheme: \(reason)"
        case .invalidParameters: "invalid hash parameters: \(reason)"
        case .limitExceeded: "hash parameters above the configured limit: \(reason)"
        case .overloaded: "password hashing is overloaded: \(reason)"
        }
    }
}
