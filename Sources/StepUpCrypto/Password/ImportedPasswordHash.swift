/// A password hash imported from another system, verified so its user can log in once and be moved to Argon2id.
///
/// Accepted formats (each exactly as the named system writes it):
/// - bcrypt, OpenBSD modular crypt: `$2a$`, `$2b$`, `$2y$` + 2-digit cost + 53 characters (PHP
///   `password_hash`, Python `bcrypt`, Spring, Rails). `$2y$` is PHP's name for `$2b$`.
/// - passlib `pbkdf2_sha256` / `pbkdf2_sha512`: `$pbkdf2-sha256$<rounds>$<salt>$<checksum>` with passlib's
///   adapted base64 (`.` for `+`, no padding); the salt is the decoded bytes.
/// - Django `PBKDF2PasswordHasher`: `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`; the salt string's
///   UTF-8 bytes are the salt, the hash is standard base64 of 32 bytes.
/// - passlib `scrypt`: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<checksum>` (standard base64, no padding).
/// - Django `ScryptPasswordHasher`: `scrypt$<salt>$<N>$<r>$<p>$<base64 hash>` (64-byte hash, salt as text).
public struct ImportedPasswordHash: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case bcrypt(normalized: String)
        case pbkdf2(sha512: Bool, iterations: Int, salt: [UInt8], hash: [UInt8])
        case scrypt(n: Int, r: Int, p: Int, salt: [UInt8], hash: [UInt8])
    }

    let kind: Kind

    public var scheme: PasswordScheme {
        switch kind {
        case .bcrypt: .bcrypt
        case .pbkdf2(let sha512, _, _, _): sha512 ? .pbkdf2SHA512 : .pbkdf2SHA256
        case .scrypt: .scrypt
        }
    }

    /// Parses `text`, refusing costs above `limits`.
    /// - Throws: ``PasswordHashError`` `.malformedHash`, `.unsupportedScheme` or `.limitExceeded`.
    public init(parsing text: String, limits: Argon2Limits = Argon2Limits()) throws(PasswordHashError) {
        guard text.utf8.count <= 1024 else { throw .malformedHash("longer than 1024 bytes") }
        if text.hasPrefix("$2a$") || text.hasPrefix("$2b$") || text.hasPrefix("$2y$") {
            kind = try Self.parseBcrypt(text, limits: limits)
        } else if text.hasPrefix("$pbkdf2-sha256$") || text.hasPrefix("$pbkdf2-sha512$") {
            kind = try Self.parsePasslibPBKDF2(text, limits: limits)
        } else if text.hasPrefix("pbkdf2_sha256$") {
            kind = try Self.parseDjangoPBKDF2(text, limits: limits)
        } else if text.hasPrefix("$scrypt$") {
            kind = try Self.parsePasslibScrypt(text, limits: limits)
        } else if text.hasPrefix("scrypt$") {
            kind = try Self.parseDjangoScrypt(text, limits: limits)
        } else {
            throw .unsupportedScheme("unrecognised hash prefix")
        }
    }
}
