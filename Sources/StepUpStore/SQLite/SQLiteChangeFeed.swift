import Foundation
import NIOCore
import StepUpCore
import Synchronization

/// Reads the change feed (`cache_changes`, see migration 3) on connections of its own, synchronously: one
/// indexed range read, no thread hop, so every request can afford to ask before it trusts its caches.
///
/// A request reads on a free connection: with one connection, a request on the other event loop found it busy and
/// its loop's thread slept on the lock in the kernel for the read's duration (a third of the contended-lock time
/// under load). It waits only when every connection is busy. Reads are shared: a read that *started* after a
/// request arrived answers for it (it saw every change committed before the request arrived).
final class SQLiteChangeFeed: ChangeFeedReader {
    /// Reads are local and already shared here (see `changes(after:)`).
    var sharesReads: Bool { false }

    /// A finished read: its number, the version it read after, what it found, and the WAL index's transaction
    /// counter just before it began.
    private typealias Read = (number: UInt64, after: Int64, found: CacheChanges, counter: UInt32?)

    /// One read connection, used by one request at a time.
    private final class Reader: Sendable {
        let connection: Mutex<RawSQLiteConnection>

        init(_ connection: RawSQLiteConnection) {
            self.connection = Mutex(connection)
        }
    }

    private let readers: [Reader]
    /// The latest read to finish, by its number.
    private let last = Mutex<Read?>(nil)
    /// Reads started so far (a read's number is the count when it started).
    private let started = Atomic<UInt64>(0)
    /// Where the next request that finds every connection busy waits.
    private let nextWait = Atomic<Int>(0)

    /// The WAL index's transaction counter, when the database has one: while it has not moved since a read
    /// began, nothing was committed since, and that read still answers every request (no read at all).
    private let walIndex: WALIndexWatch?

    /// - Parameters:
    ///   - connections: at least one; a few (one per event loop) keep concurrent requests from waiting.
    ///   - walIndex: the database's WAL index, if it has one.
    init(connections: [RawSQLiteConnection], walIndex: WALIndexWatch? = nil) {
        precondition(!connections.isEmpty, "the change feed needs a connection")
        readers = connections.map(Reader.init)
        self.walIndex = walIndex
    }

    /// Reads that went to the database (for tests).
    var reads: UInt64 { started.load(ordering: .relaxed) }

    /// Whether requests consult the WAL index's counter before reading (for tests).
    var watchesTheWALIndex: Bool { walIndex != nil }

    /// Connections reads run on (for tests).
    var connectionCount: Int { readers.count }

    func changes(after version: Int64) throws -> CacheChanges {
        let counter = walIndex?.changeCounter
        let arrival = started.load(ordering: .acquiring)
        if let shared = shared(after: version, arrival: arrival, counter: counter) { return shared }
        for reader in readers {
            if let found = try reader.connection.withLockIfAvailable({ connection in
                try read(after: version, arrival: arrival, counter: counter, on: connection)
            }) {
                return found
            }
        }
        let index = nextWait.add(1, ordering: .relaxed).oldValue % readers.count
        return try readers[index].connection.withLock { connection in
            try read(after: version, arrival: arrival, counter: counter, on: connection)
        }
    }

    /// A read that started after `arrival` — or before it with no transaction committed since it began (the WAL
    /// index's counter as this request arrived is the one seen before that read) — and read from at most
    /// `version`, narrowed to what is newer than it.
    private func shared(after version: Int64, arrival: UInt64, counter: UInt32?) -> CacheChanges? {
        let found = last.withLock { last -> CacheChanges? in
            guard let last, last.number > arrival || (counter != nil && last.counter == counter),
                  last.after <= version else { return nil }
            return last.found
        }
        return found.map { CacheChanges(changes: $0.changes.filter { $0.version > version }, complete: $0.complete) }
    }

    /// On a connection this request holds: a read another request finished meanwhile, or one of its own.
    private func read(after version: Int64, arrival: UInt64, counter arrivalCounter: UInt32?,
                      on connection: RawSQLiteConnection) throws -> CacheChanges {
        if let shared = shared(after: version, arrival: arrival, counter: arrivalCounter) { return shared }
        // Taken before the read begins: a transaction committed after this is counted, and later requests read.
        let counter = walIndex?.changeCounter
        let number = started.add(1, ordering: .acquiringAndReleasing).newValue
        let found = try Self.read(after: version, on: connection)
        last.withLock { last in
            if (last?.number ?? 0) < number { last = (number, version, found, counter) }
        }
        return found
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
        try readers[0].connection.withLock { connection in
            var version: Int64 = 0
            try connection.query("SELECT version FROM cache_epoch WHERE id = 1") { version = $0.int64(0) }
            return version
        }
    }

    func close() {
        walIndex?.retire()
        for reader in readers { reader.connection.withLock { $0.close() } }
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
    /// One read started now, without awaiting it, on a feed whose reads are shared: its future completes on the
    /// event loop of the connection that read. `nil` when the feed cannot (then ``changes(after:)`` reads).
    func startChanges(after version: Int64) -> EventLoopFuture<CacheChanges>?
}

extension ChangeFeed {
    public var sharesReads: Bool { false }
    public func startChanges(after version: Int64) -> EventLoopFuture<CacheChanges>? { nil }
}
