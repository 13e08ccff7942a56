import Foundation

extension Requirement {
    /// Whether any user could ever meet this requirement: some combination of its level, or of a stronger one,
    /// can be met with factors StepUp knows, within `allowedFactors` as
    /// ``Session/satisfies(_:at:maxAge:allowedFactors:)`` applies them.
    ///
    /// A requirement that fails this check would step the user up forever, so the policy loader rejects it and
    /// ``DecisionEngine`` denies it.
    public func isSatisfiable(in ladder: LevelLadder) -> Bool {
        guard let required = ladder[level] else { return false }
        let now = Date(timeIntervalSinceReferenceDate: 0)
        let kinds = FactorKind.known.filter { $0 == .password || allowedFactors?.contains($0) ?? true }
        return ladder.levels(atLeast: required).contains { candidate in
            // Enough uses of every factor that a combination naming one factor twice can still be met.
            let copies = candidate.combinations.map(\.count).max() ?? 0
            let events = (0..<copies).flatMap { copy in
                kinds.map { Session.hypothetical($0, index: copy, at: now) }
            }
            let session = Session(id: "satisfiable", userID: "", createdAt: now,
                                  expiresAt: now.addingTimeInterval(1), events: events)
            return session.satisfies(candidate, at: now, maxAge: maxAge, allowedFactors: allowedFactors)
        }
    }
}
