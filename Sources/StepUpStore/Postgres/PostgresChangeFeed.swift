import Foundation
import SQLKit
import StepUpCore

/// Reads the change feed (`cache_changes`, migration 3) from PostgreSQL: every instance's caches ask it before
/// they trust a cached row, so a change committed through any instance (or `psql`) is seen on the next request.
///
/// The triggers bump the one `cache_epoch` row, whose row lock orders the versions by commit: a snapshot that
/// shows version N shows every change up to N, as on SQLite.
struct PostgresChangeFeed: ChangeFeedReader {
    let source: any SQLConnectionSource
    /// Each read is a round trip: concurrent requests share them.
    var sharesReads: Bool { true }

    func changes(after version: Int64) async throws -> CacheChanges {
        try await SQLStore.storageErrors { try await source.withDatabase(.read) { database in
            // One statement, one snapshot: the changes, then the epoch row (entity NULL).
            let rows = try await database.raw("""
                SELECT version, entity, entity_key FROM (SELECT version, entity, entity_key FROM cache_changes
                    WHERE version > \(bind: version) ORDER BY version LIMIT \(unsafeRaw: "\(CacheFeedSQL.retained)")) AS c
                UNION ALL SELECT version, NULL, NULL FROM cache_epoch WHERE id = 1
                """).all()
            var changes: [CacheChange] = []
            var latest = version
            for row in rows {
                guard let entity = try row.optionalString("entity") else {
                    latest = try row.int64("version")
                    continue
                }
                changes.append(CacheChange(version: try row.int64("version"), entity: entity,
                                           key: try row.optionalString("entity_key") ?? ""))
            }
            changes.sort { $0.version < $1.version }
            return CacheChanges(after: version, changes: changes, latest: latest)
        } }
    }

    func latestVersion() async throws -> Int64 {
        try await SQLStore.storageErrors { try await source.withDatabase(.read) { database in
            try await database.raw("SELECT version FROM cache_epoch WHERE id = 1").first()?.int64("version") ?? 0
        } }
    }

    func close() {}
}
