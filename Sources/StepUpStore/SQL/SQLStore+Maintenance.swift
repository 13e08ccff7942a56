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
    public func probeWrite() async throws {
        // Rewrites the schema row with its own value: a real page write and commit (SQLite appends it to the WAL,
        // PostgreSQL writes a new row version), on a row nothing else touches while serving.
        try await transaction { database in
            try await database.raw("UPDATE stepup_schema SET version = version WHERE id = 1").run()
        }
    }
}
