/// Which algorithm produced a stored password hash.
public enum PasswordScheme: String, Sendable, Hashable, CaseIterable {
    case argon2id, argon2i, argon2d
    /// OpenBSD bcrypt, `$2a$` / `$2b$` / `$2y$` (PHP, Linux crypt, most web frameworks).
    case bcrypt
    /// PBKDF2-HMAC-SHA256 in Django's or passlib's format.
    case pbkdf2SHA256 = "pbkdf2-sha256"
    /// PBKDF2-HMAC-SHA512 in passlib's format.
    case pbkdf2SHA512 = "pbkdf2-sha512"
    /// scrypt in Django's or passlib's format.
    case scrypt
}

/// The outcome of checking a password against a stored hash.
public struct PasswordVerification: Sendable, Hashable {
    /// The password matched.
    public var isMatch: Bool
    /// The stored hash is not Argon2id with at least the current cost: after a successful login the caller
    /// should store `try await hasher.hash(password)` in its place.
    public var needsRehash: Bool
    public var scheme: PasswordScheme

    public init(isMatch: Bool, needsRehash: Bool, scheme: PasswordScheme) {
        self.isMatch = isMatch
        self.needsRehash = needsRehash
        self.scheme = scheme
    }
}
