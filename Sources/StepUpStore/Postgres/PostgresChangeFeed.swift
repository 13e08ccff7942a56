import Foundation
import NIOCore
import PostgresNIO
import SQLKit
import StepUpCore

/// Reads the change feed (`cache_changes`, migration 3) from PostgreSQL: every instance's caches ask it before
/// they trust a cached row, so a change committed through any instance (or `psql`) is seen on the next request.
///
/// The triggers bump the one `cache_epoch` row, whose row lock orders the versions by commit: a snapshot that
/// shows version N shows every change up to N, as on SQLite.
struct PostgresChangeFeed: ChangeFeedReader {
    let source: any SQLConnectionSource
    /// A connection of the feed's own, with the read prepared on it (the pool when it is unavailable).
    var held: HeldConnection?
    /// Each read is a round trip: concurrent requests share them.
    var sharesReads: Bool { true }

    /// One statement, one snapshot: the changes, then the epoch row (entity NULL).
    static let readSQL = feedRead(versions: "version")

    /// ``readSQL`` as a prepared statement on the held connection: text columns only (see `Lease.prepared`).
    static let preparedReadSQL = feedRead(versions: "version::text")

    /// The feed's read, selecting the versions as `versions` (the column, or the column cast).
    private static func feedRead(versions: String) -> String {
        """
        SELECT \(versions), entity, entity_key FROM (SELECT version, entity, entity_key FROM cache_changes
            WHERE version > $1 ORDER BY version LIMIT \(CacheFeedSQL.retained)) AS c
        UNION ALL SELECT \(versions), NULL, NULL FROM cache_epoch WHERE id = 1
        """
    }

    func changes(after version: Int64) async throws -> CacheChanges {
        try await SQLStore.storageErrors {
            if let held, let changes = try await held.run({ lease in
                try Self.changes(after: version,
                                 rows: await lease.prepared(Self.preparedReadSQL, [PostgresData(int64: version)]))
            }) {
                return changes
            }
            return try await source.withDatabase(.read) { try await Self.read(after: version, on: $0) }
        }
    }

    /// The read on the held connection, started now without awaiting it; nil when that connection cannot be had
    /// at once (then ``changes(after:)`` reads through the pool).
    func startChanges(after version: Int64) -> EventLoopFuture<CacheChanges>? {
        held?.start { lease in
            lease.preparedFuture(Self.preparedReadSQL, [PostgresData(int64: version)])
                .flatMapThrowing { try Self.changes(after: version, rows: $0) }
                .flatMapErrorThrowing { throw SQLStore.storageError($0) }
        }
    }

    /// The prepared read's rows (text columns) as changes.
    private static func changes(after version: Int64, rows: [PostgresRow]) throws -> CacheChanges {
        try changes(after: version, rows: rows.map { row in
            let texts = row.map { cell in cell.bytes.map { String(buffer: $0) } }
            guard texts.count == 3, let text = texts[0], let rowVersion = Int64(text) else {
                throw StoreError.backend("the change feed returned a row it should not have")
            }
            return (rowVersion, texts[1], texts[2])
        })
    }

    private static func read(after version: Int64, on database: any SQLDatabase) async throws -> CacheChanges {
        let rows = try await database.raw(SQLQueryString(readSQL.replacingOccurrences(of: "$1", with: "\(version)")))
            .all()
        return changes(after: version, rows: try rows.map {
            (try $0.int64("version"), try $0.optionalString("entity"), try $0.optionalString("entity_key"))
        })
    }

    /// The feed's rows — `(version, entity, key)`, and the epoch as `(version, nil, nil)` — as changes.
    private static func changes(after version: Int64, rows: [(Int64, String?, String?)]) -> CacheChanges {
        var changes: [CacheChange] = []
        var latest = version
        for (rowVersion, entity, key) in rows {
            guard let entity else {
                latest = rowVersion
                continue
            }
            changes.append(CacheChange(version: rowVersion, entity: entity, key: key ?? ""))
        }
        changes.sort { $0.version < $1.version }
        return CacheChanges(after: version, changes: changes, latest: latest)
    }

    func latestVersion() async throws -> Int64 {
        try await SQLStore.storageErrors { try await source.withDatabase(.read) { database in
            try await database.raw("SELECT version FROM cache_epoch WHERE id = 1").first()?.int64("version") ?? 0
        } }
    }

    func close() {
        if let held { Task { await held.close() } }
    }
}
