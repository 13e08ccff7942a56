extension PasswordHasher {
    /// Hashes a freshly generated set of recovery codes on the hashing pool (about 30 ms per code).
    public func hashRecoveryCodes(_ codes: [String]) async throws -> [String] {
        try await pool.run(repeatable: true) { try codes.map { try RecoveryCodes.hash($0) } }
    }

    /// ``RecoveryCodes/match(_:against:limits:)`` on the hashing pool: the index of the unused code
    /// that `input` matches, or nil. The caller marks that code used in the same transaction.
    public func matchRecoveryCode(_ input: String, against unused: [String]) async throws -> Int? {
        let limits = self.limits
        return try await pool.run(repeatable: true) { RecoveryCodes.match(input, against: unused, limits: limits) }
    }
}
