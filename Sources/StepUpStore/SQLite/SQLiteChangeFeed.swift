import Foundation
import StepUpCore
import Synchronization

/// Reads the change feed (`cache_changes`, see migration 3) on a connection of its own, synchronously: one
/// indexed range read, no thread hop, so every request can afford to ask before it trusts its caches.
final class SQLiteChangeFeed: ChangeFeedReader {
    /// Reads are local and already shared here (see `changes(after:)`).
    var sharesReads: Bool { false }

    private struct Reader {
        var connection: RawSQLiteConnection
        /// The latest read: its number, the version it read after, and what it found.
        var last: (number: UInt64, after: Int64, found: CacheChanges)?
    }

    private let reader: Mutex<Reader>
    /// Reads started so far. Concurrent requests share reads: a read that *started* after a request arrived
    /// answers for it (it saw every change committed before the request arrived).
    private let started = Atomic<UInt64>(0)

    init(connection: RawSQLiteConnection) {
        self.reader = Mutex(Reader(connection: connection))
    }

    func changes(after version: Int64) throws -> CacheChanges {
        let arrival = started.load(ordering: .acquiring)
        return try reader.withLock { reader in
            if let last = reader.last, last.number > arrival, last.after <= version {
                let newer = last.found.changes.filter { $0.version > version }
                return CacheChanges(changes: newer, complete: last.found.complete)
            }
            let number = started.add(1, ordering: .acquiringAndReleasing).newValue
            let found = try Self.read(after: version, on: reader.connection)
            reader.last = (number, version, found)
            return found
        }
    }

    private static func read(after version: Int64, on database: RawSQLiteConnection) throws -> CacheChanges {
        // Usually nothing changed: the epoch row alone (one page) says so.
        var epoch: Int64?
        try database.query("SELECT version FROM cache_epoch WHERE id = 1") { epoch = $0.int64(0) }
        if epoch == version { return CacheChanges(changes: [], complete: true) }
        var changes: [CacheChange] = []
        var latest = version
        // The changes, then the epoch row (entity NULL), read in one statement and so one snapshot.
        try database.query("""
            SELECT version, entity, entity_key FROM (SELECT version, entity, entity_key FROM cache_changes
                WHERE version > ? ORDER BY version LIMIT \(CacheFeedSQL.retained))
            UNION ALL SELECT version, NULL, NULL FROM cache_epoch WHERE id = 1
            """, [.integer(version)]) { row in
            guard let entity = row.text(1) else {
                latest = row.int64(0)
                return
            }
            changes.append(CacheChange(version: row.int64(0), entity: entity, key: row.text(2) ?? ""))
        }
        return CacheChanges(after: version, changes: changes, latest: latest)
    }

    func latestVersion() throws -> Int64 {
        try reader.withLock { reader in
            var version: Int64 = 0
            try reader.connection.query("SELECT version FROM cache_epoch WHERE id = 1") { version = $0.int64(0) }
            return version
        }
    }

    func close() {
        reader.withLock { $0.connection.close() }
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

    public init(changes: [CacheChange], complete: Bool) {
        self.changes = changes
        self.complete = complete
    }

    /// What a reader found after `version`, the epoch being at `latest`.
    init(after version: Int64, changes: [CacheChange], latest: Int64) {
        // Versions are dense: anything missing between `version` and the epoch was pruned (or deleted) before
        // this reader saw it, and the caller must drop everything.
        var expected = version
        let dense = changes.allSatisfy { change in
            expected += 1
            return change.version == expected
        }
        self.init(changes: changes, complete: dense && expected == latest)
    }
}

/// Where a cache learns what changed in the database, whoever changed it.
public protocol ChangeFeed: Sendable {
    func latestChangeVersion() async throws -> Int64
    func changes(after version: Int64) async throws -> CacheChanges
    /// Whether a read is costly enough (a network round trip) that concurrent requests should share reads
    /// (``SharedFeedReads``).
    var sharesReads: Bool { get }
}

extension ChangeFeed {
    public var sharesReads: Bool { false }
}
