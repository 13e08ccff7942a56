import Foundation

extension Session {
    /// The strongest level the session satisfies at `now`, or `nil` if none.
    public func effectiveLevel(in ladder: LevelLadder, at now: Date) -> Level? {
        ladder.levels.reversed().first { satisfies($0, at: now) }
    }

    /// Whether fresh events satisfy one of `level`'s combinations under a rule's restrictions.
    ///
    /// Every event counts only while it is within the *level's* `maxAge`. A rule's `maxAge` and `allowedFactors`
    /// restrict the *step-up* factor, not the sign-in: applying them to every event would make
    /// `{level: aal2, factors: [totp]}` unreachable (the password is filtered out) and a 5-minute rule
    /// unreachable 10 minutes after sign-in (the password is too old), so the user would loop forever.
    /// When either is set, a combination is met only by distinct fresh events that all use an allowed factor
    /// (or the password), at least one of which qualifies: an allowed factor other than the password (unless
    /// the password is allowed), no older than `maxAge`. With only `maxAge` set any factor may qualify.
    ///
    /// - Parameters:
    ///   - maxAge: a rule's `max_age`: how recent the step-up factor must be.
    ///   - allowedFactors: a rule's `factors`: which factors may be used besides the password.
    public func satisfies(
        _ level: Level,
        at now: Date,
        maxAge: TimeInterval? = nil,
        allowedFactors: Set<FactorKind>? = nil
    ) -> Bool {
        guard isActive(at: now) else { return false }
        if now.timeIntervalSince(lastSeenAt) > level.idleTimeout { return false }
        let restriction = StepUpRestriction(maxAge: maxAge, allowedFactors: allowedFactors)
        let usable = events.filter { event in
            let age = now.timeIntervalSince(event.at)
            return age >= -60 && age <= level.maxAge && restriction.admits(event)
        }
        return level.combinations.contains { combination in
            Self.canAssign(combination[...], to: usable[...], restriction: restriction, now: now,
                           qualified: !restriction.isRestricting)
        }
    }

    /// Whether each condition can be met by a distinct event, one of them qualifying (combinations are tiny:
    /// a backtracking search).
    private static func canAssign(
        _ conditions: ArraySlice<FactorCondition>, to events: ArraySlice<AuthenticationEvent>,
        restriction: StepUpRestriction, now: Date, qualified: Bool
    ) -> Bool {
        guard let first = conditions.first else { return qualified }
        for index in events.indices where first.matches(events[index]) {
            var rest = events
            rest.remove(at: index)
            let nowQualified = qualified || restriction.qualifies(events[index], now: now)
            if canAssign(conditions.dropFirst(), to: rest, restriction: restriction, now: now,
                         qualified: nowQualified) {
                return true
            }
        }
        return false
    }
}

/// A rule's `max_age` and `factors`, as they apply to the step-up factor
/// (see ``Session/satisfies(_:at:maxAge:allowedFactors:)``).
struct StepUpRestriction {
    var maxAge: TimeInterval?
    var allowedFactors: Set<FactorKind>?

    var isRestricting: Bool { maxAge != nil || allowedFactors != nil }

    /// May take part at all: an allowed factor, or the password (the sign-in every combination builds on).
    func admits(_ event: AuthenticationEvent) -> Bool {
        guard let allowedFactors else { return true }
        return event.factor == .password || allowedFactors.contains(event.factor)
    }

    /// Counts as the step-up: an allowed factor (the password only when named) recent enough.
    func qualifies(_ event: AuthenticationEvent, now: Date) -> Bool {
        if let allowedFactors, !allowedFactors.contains(event.factor) { return false }
        if let maxAge, now.timeIntervalSince(event.at) > maxAge { return false }
        return true
    }
}
