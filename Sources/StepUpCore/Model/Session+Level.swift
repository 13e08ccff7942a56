import Foundation

extension Session {
    /// The strongest level the session satisfies at `now`, or `nil` if none.
    public func effectiveLevel(in ladder: LevelLadder, at now: Date) -> Level? {
        ladder.levels.reversed().first { satisfies($0, at: now) }
    }

    /// Whether fresh events satisfy one of `level`'s combinations.
    ///
    /// - Parameters:
    ///   - maxAge: an extra freshness limit (a rule's `max_age`); the stricter of it and the level's applies.
    ///   - allowedFactors: when set, only events of these factors count.
    public func satisfies(
        _ level: Level,
        at now: Date,
        maxAge: TimeInterval? = nil,
        allowedFactors: Set<FactorKind>? = nil
    ) -> Bool {
        guard isActive(at: now) else { return false }
        if now.timeIntervalSince(lastSeenAt) > level.idleTimeout { return false }
        let window = min(level.maxAge, maxAge ?? .infinity)
        let fresh = events.filter { event in
            let age = now.timeIntervalSince(event.at)
            guard age >= -60, age <= window else { return false }
            if let allowedFactors, !allowedFactors.contains(event.factor) { return false }
            return true
        }
        return level.combinations.contains { Self.canAssign($0[...], to: fresh[...]) }
    }

    /// Whether each condition can be met by a distinct event (combinations are tiny: a backtracking search).
    private static func canAssign(_ conditions: ArraySlice<FactorCondition>, to events: ArraySlice<AuthenticationEvent>) -> Bool {
        guard let first = conditions.first else { return true }
        for index in events.indices where first.matches(events[index]) {
            var rest = events
            rest.remove(at: index)
            if canAssign(conditions.dropFirst(), to: rest) { return true }
        }
        return false
    }
}
