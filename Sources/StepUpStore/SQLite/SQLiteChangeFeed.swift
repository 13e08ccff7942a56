import Foundation
import StepUpCore
import Synchronization

/// Reads the change feed (`cache_changes`, see migration 3) on a connection of its own, synchronously: one
/// indexed range read, no thread hop, so every request can afford to ask before it trusts its caches.
final class SQLiteChangeFeed: Sendable {
    private let connection: Mutex<RawSQLiteConnection>

    init(connection: RawSQLiteConnection) {
        self.connection = Mutex(connection)
    }

    func changes(after version: Int64) throws -> CacheChanges {
        try connection.withLock { database in
            var changes: [CacheChange] = []
            try database.query("""
                SELECT version, entity, entity_key FROM cache_changes WHERE version > ? ORDER BY version LIMIT ?
                """, [.integer(version), .integer(Int64(CacheFeedSQL.retained))]) { row in
                changes.append(CacheChange(version: row.int64(0), entity: row.text(1) ?? "", key: row.text(2) ?? ""))
            }
            // Versions are dense; a gap after `version` means the log was pruned past this reader.
            let complete = changes.first.map { $0.version == version + 1 } ?? true
            return CacheChanges(changes: changes, complete: complete && changes.count < CacheFeedSQL.retained)
        }
    }

    func latestVersion() throws -> Int64 {
        try connection.withLock { database in
            var version: Int64 = 0
            try database.query("SELECT version FROM cache_epoch WHERE id = 1") { version = $0.int64(0) }
            return version
        }
    }

    func close() {
        connection.withLock { $0.close() }
    }
}

/// One logged change: which entity (`session`, `user`, `device`, `risk`, `address`, `throttle`, `factors`) and
/// whose (a session id, a user id, a throttle key, `*`).
public struct CacheChange: Sendable, Hashable {
    public var version: Int64
    public var entity: String
    public var key: String
}

/// The changes after a version; `complete` is false when some were already pruned (drop everything cached).
public struct CacheChanges: Sendable {
    public var changes: [CacheChange]
    public var complete: Bool
}

/// Where a cache learns what changed in the database, whoever changed it.
public protocol ChangeFeed: Sendable {
    func latestChangeVersion() async throws -> Int64
    func changes(after version: Int64) async throws -> CacheChanges
}
