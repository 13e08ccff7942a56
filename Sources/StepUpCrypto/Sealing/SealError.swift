/// Why a sealed secret could not be sealed or opened.
public struct SealError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable { case unknownKeyID, authenticationFailed, malformedEnvelope, invalidKeyring }

    private let code: Code
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The envelope names a key that is not in the keyring: restore the retired key to the config.
    public static func unknownKeyID(_ id: String) -> Self { .init(.unknownKeyID, "key id \(id) is not in the keyring") }
    /// Wrong key, tampered bytes, or associated data (owner/factor) that does not match.
    public static let authenticationFailed = Self(.authenticationFailed, "envelope failed authentication")
    /// Not an envelope this version writes.
    public static func malformedEnvelope(_ reason: String) -> Self { .init(.malformedEnvelope, reason) }
    /// The keyring configuration is unusable.
    public static func invalidKeyring(_ reason: String) -> Self { .init(.invalidKeyring, reason) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "sealed secret: \(reason)" }
}
