import Foundation

/// The writes one request makes, committed together in one transaction.
///
/// A backend may commit the units of concurrent requests in one shared transaction (group commit); `commit`
/// returns only once the transaction holding this unit has committed, and throws — acknowledging nothing — when
/// it fails. A unit's writes are all-or-nothing; audit events are chained in the order they are listed.
public struct UnitOfWork: Sendable, Hashable {
    /// Challenges to create (ids must be new).
    public var challenges: [Challenge]
    /// Sessions whose last activity moved (`id`, time).
    public var sessionTouches: [SessionTouch]
    /// Audit events to append, in order.
    public var auditEvents: [AuditEventDraft]
    /// Decisions only counted, not written row by row (audit volume `counted` / `sampled`).
    public var auditTallies: [AuditTally]

    public init(challenges: [Challenge] = [], sessionTouches: [SessionTouch] = [], auditEvents: [AuditEventDraft] = [],
                auditTallies: [AuditTally] = []) {
        self.challenges = challenges
        self.sessionTouches = sessionTouches
        self.auditEvents = auditEvents
        self.auditTallies = auditTallies
    }

    public var isEmpty: Bool {
        challenges.isEmpty && sessionTouches.isEmpty && auditEvents.isEmpty && auditTallies.isEmpty
    }
}

/// A session's last-activity time.
public struct SessionTouch: Sendable, Hashable {
    public var sessionID: String
    public var at: Date

    public init(sessionID: String, at: Date) {
        self.sessionID = sessionID
        self.at = at
    }
}

/// Audit events of one type and rule counted in one minute instead of written one by one.
public struct AuditTally: Sendable, Hashable {
    /// The minute's start, in whole seconds since 1970.
    public var minute: Int64
    /// The event type, e.g. `decision.allow`.
    public var type: String
    /// The rule ids that decided, comma-separated (empty when no rule matched).
    public var rule: String
    public var count: Int64

    public init(at: Date, type: String, rule: String, count: Int64 = 1) {
        let minutes = (at.timeIntervalSince1970 / 60).rounded(.down)
        self.minute = minutes.isFinite && abs(minutes) < 1e15 ? Int64(minutes) * 60 : 0
        self.type = type
        self.rule = rule
        self.count = count
    }

    /// Tallies with the same minute, type and rule summed; order of first appearance kept.
    public static func merged(_ tallies: [AuditTally]) -> [AuditTally] {
        var index: [AuditTally: Int] = [:]
        var merged: [AuditTally] = []
        for tally in tallies {
            var key = tally
            key.count = 0
            if let position = index[key] {
                merged[position].count += tally.count
            } else {
                index[key] = merged.count
                merged.append(tally)
            }
        }
        return merged
    }
}

/// Commits units of work (see ``UnitOfWork``).
public protocol UnitOfWorkStore: Sendable {
    /// Commits `unit` and returns its audit events as appended (with sequence numbers and hashes).
    @discardableResult
    func commit(_ unit: UnitOfWork) async throws -> [AuditEvent]
}

/// Keeps a process's read caches in step with the database.
public protocol CacheCoherence: Sendable {
    /// Applies every change committed to the database before this call started (by this process or any other) to
    /// the caches. Call it once at the start of each request: reads after it are at least that fresh.
    func synchronize() async throws
}

/// For stores without caches.
public struct NoCaches: CacheCoherence {
    public init() {}
    public func synchronize() async throws {}
}
