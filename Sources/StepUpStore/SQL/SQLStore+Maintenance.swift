import Foundation
import SQLKit
import StepUpCore

extension SQLStore: StoreMaintenance {
    public func pruneExpired(before cutoff: Date) async throws -> PruneReport {
        let time = cutoff.sqlSeconds
        return try await transaction { database in
            // Events go with their session (ON DELETE CASCADE).
            let sessions = try await database.raw("""
                DELETE FROM sessions WHERE expires_at < \(bind: time) OR revoked_at < \(bind: time) RETURNING id
                """).all().count
            let challenges = try await database.raw("""
                DELETE FROM challenges WHERE expires_at < \(bind: time) RETURNING id
                """).all().count
            let failures = try await database.raw("""
                DELETE FROM throttle_failures WHERE failed_at < \(bind: time) RETURNING throttle_key
                """).all().count
            let units = try await database.raw("""
                DELETE FROM budget_units WHERE spent_at < \(bind: time) RETURNING id
                """).all().count
            return PruneReport(sessions: sessions, challenges: challenges, throttleFailures: failures, budgetUnits: units)
        }
    }

    public func verifyAuditChain() async throws -> AuditChainReport {
        try await verifyAuditChain(pageSize: 500)
    }

    /// Writes a consistent copy of the SQLite database to `path` through SQLite's online backup API, while the
    /// store stays in use (see ``SQLiteOnlineBackup``). `path` must not exist yet. For PostgreSQL use `pg_dump`.
    public func backupSQLite(to path: String) async throws {
        guard let sqlite = source as? SQLiteSource else {
            throw StoreError.backend("online backup is only available for SQLite")
        }
        try await SQLiteOnlineBackup.copy(from: sqlite.path, to: path)
    }
}

extension SQLStore: StoreWriteProbe {
    /// Below this much free space beside a SQLite file, the database counts as full.
    static let minimumFreeBytes: UInt64 = 1 << 20

    public func probeWrite() async throws {
        // A small write can still succeed on a full disk (SQLite reuses its WAL's space) while every larger one
        // fails: look at the free space too.
        if let sqlite = source as? SQLiteSource {
            let directory = URL(fileURLWithPath: sqlite.path).deletingLastPathComponent().path
            var stats = statvfs()
            if statvfs(directory, &stats) == 0 {
                let free = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
                guard free >= Self.minimumFreeBytes else {
                    throw StoreError.backend("the disk holding \(sqlite.path) is full (\(free) bytes free)")
                }
            }
        }
        // Rewrites the schema row with its own value: a real page write and commit (SQLite appends it to the WAL,
        // PostgreSQL writes a new row version), on a row nothing else touches while serving.
        try await transaction { database in
            try await database.raw("UPDATE stepup_schema SET version = version WHERE id = 1").run()
        }
    }
}
