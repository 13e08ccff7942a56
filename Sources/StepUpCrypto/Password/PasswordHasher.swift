/// Hashes and verifies passwords off the request path.
///
/// New hashes are Argon2id PHC strings with ``parameters``; verification also accepts imported bcrypt,
/// PBKDF2 and scrypt hashes (see ``ImportedPasswordHash``) and asks for a rehash when the stored hash is
/// weaker than the current setting. Passwords are hashed as their exact UTF-8 bytes.
///
/// ```swift
/// let hasher = PasswordHasher()
/// let stored = try await hasher.hash("correct horse")
/// let result = try await hasher.verify("correct horse", against: stored)   // isMatch == true
/// ```
public final class PasswordHasher: Sendable {
    public let parameters: Argon2Parameters
    public let limits: Argon2Limits
    public let pool: HashingPool
    /// A hash nobody's password matches, with the current parameters, for ``verifyUnknownUser(_:)``.
    private let decoy: PHCString
    /// The work an unknown user's check costs: the same parameters as a real hash (tests check this).
    var decoyParameters: Argon2Parameters { decoy.parameters }

    public init(
        parameters: Argon2Parameters = Argon2Parameters(), limits: Argon2Limits = Argon2Limits(),
        pool: HashingPool = HashingPool()
    ) {
        self.parameters = parameters
        self.limits = limits
        self.pool = pool
        var rng = SystemRandomNumberGenerator()
        decoy = PHCString(
            parameters: parameters, salt: Self.randomBytes(max(parameters.saltLength, 8), using: &rng),
            hash: Self.randomBytes(max(parameters.tagLength, 4), using: &rng)
        )
    }

    /// Hashes `password` with a fresh random salt and returns the PHC string.
    public func hash(_ password: String) async throws -> String {
        var rng = SystemRandomNumberGenerator()
        return try await hash(password, salt: Self.randomBytes(parameters.saltLength, using: &rng))
    }

    /// Hashes with a given salt (tests, deterministic fixtures).
    public func hash(_ password: String, salt: [UInt8]) async throws -> String {
        let parameters = self.parameters
        let bytes = Array(password.utf8)
        let lanes = pool.lanes
        return try await pool.run(repeatable: true) {
            let tag = try Argon2.hash(password: bytes, salt: salt, parameters: parameters, lanes: lanes)
            return PHCString(parameters: parameters, salt: salt, hash: tag).description
        }
    }

    /// Checks `password` against a stored hash of any supported scheme.
    /// - Throws: ``PasswordHashError`` when the stored hash is malformed, unsupported or above ``limits``,
    ///   and ``PasswordHashError/overloaded(_:)`` when the pool's queue is full: that is not a mismatch,
    ///   so the caller can answer "try again later" instead of "wrong password".
    public func verify(_ password: String, against stored: String) async throws -> PasswordVerification {
        let bytes = Array(password.utf8)
        if stored.hasPrefix("$argon2") {
            let phc = try PHCString(parsing: stored, limits: limits)
            let lanes = pool.lanes
            let isMatch = try await pool.run(repeatable: true) { try phc.verify(password: bytes, lanes: lanes) }
            return PasswordVerification(
                isMatch: isMatch, needsRehash: needsRehash(phc.parameters), scheme: phc.scheme
            )
        }
        let imported = try ImportedPasswordHash(parsing: stored, limits: limits)
        let isMatch = try await pool.run(repeatable: true) { try imported.verify(password: bytes) }
        return PasswordVerification(isMatch: isMatch, needsRehash: true, scheme: imported.scheme)
    }

    /// Spends the same work as verifying a real user's hash, then reports nothing: call it when the
    /// user does not exist, so response times do not reveal which accounts exist.
    /// - Throws: ``PasswordHashError/overloaded(_:)`` exactly when ``verify(_:against:)`` would, so an
    ///   overloaded server can answer the same for unknown and known users; `.invalidParameters` when
    ///   ``parameters`` are outside RFC 9106's ranges (as ``hash(_:)`` would).
    public func verifyUnknownUser(_ password: String) async throws {
        let bytes = Array(password.utf8)
        let decoy = self.decoy
        let lanes = pool.lanes
        _ = try await pool.run(repeatable: true) { try decoy.verify(password: bytes, lanes: lanes) }
    }

    /// True when `stored` is not Argon2id v1.3 or costs less than ``parameters`` in memory, passes,
    /// salt or tag length. Fewer lanes is not weaker, so parallelism alone never triggers a rehash.
    public func needsRehash(_ stored: Argon2Parameters) -> Bool {
        stored.variant != .argon2id || stored.version != .v13
            || stored.memoryKiB < parameters.memoryKiB || stored.iterations < parameters.iterations
            || stored.saltLength < parameters.saltLength || stored.tagLength < parameters.tagLength
    }

    static func randomBytes(_ count: Int, using rng: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<max(count, 0)).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }
}

extension PHCString {
    var scheme: PasswordScheme {
        switch parameters.variant {
        case .argon2id: .argon2id
        case .argon2i: .argon2i
        case .argon2d: .argon2d
        }
    }
}
