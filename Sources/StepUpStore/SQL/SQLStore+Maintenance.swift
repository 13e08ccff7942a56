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
            return PruneReport(sessions: sessions, challenges: challenges, throttleFailures: failures + units)
        }
    }

    public func verifyAuditChain() async throws -> AuditChainReport {
        try await verifyAuditChain(pageSize: 500)
    }

    /// Writes a consistent copy of the SQLite database to `path` (`VACUUM INTO`), while the store stays in use.
    /// `path` must not exist yet. For PostgreSQL use `pg_dump`.
    public func backupSQLite(to path: String) async throws {
        guard source is SQLiteSource else { throw StoreError.backend("online backup is only available for SQLite") }
        guard !FileManager.default.fileExists(atPath: path) else { throw StoreError.conflict("backup file \(path)") }
        try await withDatabase { database in
            try await database.raw("VACUUM INTO \(bind: path)").run()
        }
    }
}
