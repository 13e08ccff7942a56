import Foundation

extension Session {
    /// What a step-up ceremony started now must ask for to meet `requirement`.
    ///
    /// Each candidate is tried as one hypothetical event at `now` (with ``FactorKind/traits``; a WebAuthn
    /// assertion is assumed user-verified), first on its own, then together with a fresh password. When some
    /// candidate works without the password the plan does not ask for it; otherwise it asks for the password
    /// and lists the candidates that work with it. The requirement is met at its level or any stronger one,
    /// as ``DecisionEngine`` checks it.
    ///
    /// ```swift
    /// if let plan = session.stepUpPlan(for: requirement, ladder: policy.ladder, at: now,
    ///                                  candidates: [.totp, .recoveryCode]) {
    ///     // show a password field when plan.needsPassword, and one of plan.factors
    /// }
    /// ```
    /// - Parameters:
    ///   - candidates: the factors the user could use now (enrolled and verifiable by the server).
    ///   - traits: what the user's own factors can prove, where it differs from ``FactorKind/traits`` (a user whose
    ///     only passkeys are synced cannot present a hardware-bound WebAuthn event).
    /// - Returns: nil when no candidate factor (even with a fresh password) could complete the requirement,
    ///   when the level is unknown, or when the session is no longer active (sign in again instead).
    public func stepUpPlan(
        for requirement: Requirement, ladder: LevelLadder, at now: Date, candidates: Set<FactorKind>,
        traits: [FactorKind: FactorTraits] = [:]
    ) -> StepUpPlan? {
        guard isActive(at: now), let required = ladder[requirement.level] else { return nil }
        let levels = ladder.levels(atLeast: required)
        var ceremony = self
        ceremony.lastSeenAt = max(lastSeenAt, now)
        func completes(_ factors: [FactorKind]) -> Bool {
            var trial = ceremony
            trial.events += factors.enumerated().map { index, kind in
                Self.hypothetical(kind, index: index, at: now, traits: traits[kind])
            }
            return levels.contains {
                trial.satisfies($0, at: now, maxAge: requirement.maxAge, allowedFactors: requirement.allowedFactors)
            }
        }
        // A factor the rule does not allow would be refused by the ceremony, even if the session needs nothing.
        let others = candidates.filter { $0 != .password && requirement.allowedFactors?.contains($0) ?? true }
        let alone = Set(others.filter { completes([$0]) })
        if !alone.isEmpty { return StepUpPlan(needsPassword: false, factors: alone) }
        let withPassword = Set(others.filter { completes([.password, $0]) })
        if !withPassword.isEmpty { return StepUpPlan(needsPassword: true, factors: withPassword) }
        // A password re-entry may be the whole step-up (a rule allowing the password, or aal1 with max_age).
        if candidates.contains(.password), completes([.password]) {
            return StepUpPlan(needsPassword: true, factors: [])
        }
        return nil
    }

    /// An event the ceremony could produce: `traits` when given, else the factor's usual traits, WebAuthn with
    /// user verification.
    static func hypothetical(_ kind: FactorKind, index: Int, at now: Date, traits: FactorTraits? = nil)
        -> AuthenticationEvent
    {
        var event = AuthenticationEvent(id: "planned-\(index)-\(kind.rawValue)", factor: kind, traits: traits, at: now)
        if traits == nil, kind == .webauthn { event.traits.userVerified = true }
        return event
    }
}
