import Foundation

/// What a satisfied challenge actually proved, so a grant is judged by the factors used rather than by what the
/// challenge asked for (a challenge without `factors` may be approved with a recovery code; its grant must not
/// then pass a rule that allows only TOTP or WebAuthn).
public struct GrantProof: Sendable, Hashable, Codable {
    /// The strongest level the session reached when the challenge was satisfied.
    public var level: String
    /// Factors verified in this ceremony, e.g. `[.totp]` or `[.password, .recoveryCode]`.
    public var factors: [FactorKind]
    /// When the ceremony finished; the grant lifetime counts from here.
    public var at: Date
    /// The transaction hash approved in this ceremony, for bound requirements.
    public var bindingHash: String?

    public init(level: String, factors: [FactorKind], at: Date, bindingHash: String?) {
        self.level = level
        self.factors = factors
        self.at = at
        self.bindingHash = bindingHash
    }
}

extension GrantProof {
    /// The proof of a ceremony, for a session that already holds the ceremony's events (dated `at` or later).
    ///
    /// The level is the strongest one the session reaches with one of `factors`, used at `at`, taking part and
    /// no other factor than these and the password, so an older, stronger sign-in does not lend its level to a
    /// weaker step-up.
    ///
    /// ```swift
    /// let proof = GrantProof(session: upgraded, ladder: policy.ladder, factors: [.totp], at: now,
    ///                        bindingHash: challenge.bindingHash)
    /// ```
    /// - Returns: nil when the ceremony reached no level at all.
    public init?(session: Session, ladder: LevelLadder, factors: [FactorKind], at: Date, bindingHash: String?) {
        let used = Set(factors)
        guard let level = ladder.levels.reversed().first(where: {
            session.satisfies($0, at: at, maxAge: 0, allowedFactors: used)
        }) else { return nil }
        self.init(level: level.name, factors: factors, at: at, bindingHash: bindingHash)
    }
}
