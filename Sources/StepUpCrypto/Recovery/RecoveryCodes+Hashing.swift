extension RecoveryCodes {
    /// The PHC string to store for `code` (blocking, ~30 ms; run through ``HashingPool`` on a server).
    /// - Throws: ``PasswordHashError/malformedHash(_:)`` when `code` is not a recovery code.
    public static func hash(_ code: String, using rng: inout some RandomNumberGenerator) throws -> String {
        guard let normalized = normalize(code) else { throw PasswordHashError.malformedHash("not a recovery code") }
        let salt = PasswordHasher.randomBytes(hashParameters.saltLength, using: &rng)
        let tag = try Argon2.hash(password: Array(normalized.utf8), salt: salt, parameters: hashParameters)
        return PHCString(parameters: hashParameters, salt: salt, hash: tag).description
    }

    /// ``hash(_:using:)`` with the system's secure generator.
    public static func hash(_ code: String) throws -> String {
        var rng = SystemRandomNumberGenerator()
        return try hash(code, using: &rng)
    }

    /// The index in `hashes` (the user's unused codes) that `input` matches, or nil.
    ///
    /// Every hash is checked even after a match, so timing does not reveal which code was used;
    /// unreadable or over-limit entries never match.
    public static func match(_ input: String, against hashes: [String], limits: Argon2Limits = Argon2Limits()) -> Int? {
        guard let normalized = normalize(input) else { return nil }
        let password = Array(normalized.utf8)
        var matched: Int?
        for (index, stored) in hashes.enumerated() {
            guard let phc = try? PHCString(parsing: stored, limits: limits) else { continue }
            if (try? phc.verify(password: password)) == true, matched == nil { matched = index }
        }
        return matched
    }
}
