import NIOCore
import Foundation
import SQLKit
import StepUpCore

extension SQLStore: UnitOfWorkStore {
    /// Group-committed with the units of concurrent requests (see ``SQLiteGroupCommitter``, ``PostgresGroupCommitter``).
    @discardableResult
    public func commit(_ unit: UnitOfWork) async throws -> [AuditEvent] {
        guard !unit.isEmpty else { return [] }
        return try await writer.commit(unit)
    }

    public func auditTallies(since: Date) async throws -> [AuditTally] {
        let minute = AuditTally(at: since, type: "", rule: "").minute
        return try await withDatabase { database in
            try await database.raw("""
                SELECT minute, event_type, rule, count FROM audit_tallies WHERE minute >= \(bind: minute)
                ORDER BY minute, event_type, rule
                """).all().map { row in
                var tally = AuditTally(at: Date(timeIntervalSince1970: Double(try row.int64("minute"))),
                                       type: try row.string("event_type"), rule: try row.string("rule"))
                tally.count = try row.int64("count")
                return tally
            }
        }
    }
}

extension SQLStore: ChangeFeed {
    public func latestChangeVersion() async throws -> Int64 {
        try await feed.latestVersion()
    }

    public func changes(after version: Int64) async throws -> CacheChanges {
        roundTrips.count(.read)
        return try await feed.changes(after: version)
    }

    public var sharesReads: Bool { feed.sharesReads }

    public func startChanges(after version: Int64) -> EventLoopFuture<CacheChanges>? {
        guard let started = feed.startChanges(after: version) else { return nil }
        roundTrips.count(.read)
        return started
    }
}

extension SQLStore {
    /// This store behind the read caches every server runs with (see ``CachedStores``).
    public func cachedStores() async throws -> Stores {
        try await CachedStores(backend: stores, feed: self).stores
    }
}
