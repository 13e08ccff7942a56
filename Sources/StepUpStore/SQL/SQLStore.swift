import Foundation
import Logging
import NIOCore
import SQLKit
import StepUpCore
import Synchronization

/// Every store protocol over SQL (SQLKit), one schema for SQLite and PostgreSQL.
///
/// Open with ``openSQLite(path:logger:readers:busyTimeout:throttleRetention:)``; call ``shutdown()`` before exiting.
/// Guarded operations are single conditional statements (`UPDATE … WHERE <state> RETURNING`) or transactions
/// whose first statement takes the write lock, so they stay correct with several processes on one database.
///
/// ```swift
/// let store = try await SQLStore.openSQLite(path: "/var/lib/stepup/stepup.sqlite", logger: logger)
/// defer { Task { await store.shutdown() } }
/// let server = Server(stores: store.stores)
/// ```
public final class SQLStore: Sendable {
    let source: any SQLConnectionSource
    let logger: Logger
    /// How long failed-attempt rows are kept; older rows are pruned as new ones arrive.
    let throttleRetention: TimeInterval
    let throttleInserts = Mutex(0)
    /// Round trips to the database since the store opened, by access; `/metrics` and `stepup bench decisions`
    /// report them.
    public let roundTrips: RoundTrips
    /// Writes units of work (audit appends, new challenges, session touches) with group commit.
    let writer: any UnitCommitter
    /// Tells caches what changed (see ``CachedStores``).
    let feed: any ChangeFeedReader
    /// The `synchronous` setting the database runs with.
    public let synchronous: SQLiteSynchronous
    /// Budget spends of one key, one at a time in this process (PostgreSQL; see ``KeyedTurns``).
    let budgetTurns = KeyedTurns()

    init(source: any SQLConnectionSource, logger: Logger, throttleRetention: TimeInterval,
         committer: any UnitCommitter, feed: any ChangeFeedReader, synchronous: SQLiteSynchronous,
         roundTrips: RoundTrips) {
        self.source = source
        self.logger = logger
        self.throttleRetention = throttleRetention
        self.writer = committer
        self.feed = feed
        self.synchronous = synchronous
        self.roundTrips = roundTrips
    }

    /// This store as the bundle the server passes around.
    public var stores: Stores {
        Stores(credentials: self, factors: self, recoveryCodes: self, sessions: self, challenges: self,
               devices: self, audit: self, throttle: self, budgets: self, riskHistory: self, addressRules: self,
               units: self, codes: self, outbox: self)
    }

    /// Finishes queued writes, then releases every connection. The store must not be used afterwards.
    public func shutdown() async {
        await writer.close()
        feed.close()
        await source.shutdown()
    }

    /// Transactions the group committer has committed, and the units of work in them, since the store opened.
    public var commits: (transactions: Int, units: Int) { writer.committed.withLock { $0 } }

    /// SQLite's group committer (nil on PostgreSQL), for its test seams.
    var committer: SQLiteGroupCommitter? { writer as? SQLiteGroupCommitter }

    /// PostgreSQL's group committer (nil on SQLite), for its test seams.
    var postgresCommitter: PostgresGroupCommitter? { writer as? PostgresGroupCommitter }

    /// Runs `body` on one connection; database errors become ``StoreError/backend(_:)``.
    /// Pass `.write` whenever `body` may change anything.
    func withDatabase<R>(_ access: SQLAccess = .read, _ body: (any SQLDatabase) async throws -> R) async throws -> R {
        roundTrips.count(access)
        return try await Self.storageErrors { try await source.withDatabase(access, body) }
    }

    /// Runs `body`, turning the driver's errors into ``StoreError/backend(_:)`` (answered 503
    /// `storage-unavailable`, like every storage failure) rather than unexpected errors.
    static func storageErrors<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch {
            throw storageError(error)
        }
    }

    /// A database's error as the store reports it (a ``StoreError`` stays as it is).
    static func storageError(_ error: any Error) -> StoreError {
        error as? StoreError ?? StoreError.backend("database error: \(String(reflecting: error))")
    }

    /// Runs `body` in a transaction on one connection; rolls back when it throws.
    ///
    /// Make the first statement a write (an `UPDATE` of the row you guard): SQLite then takes its write lock up
    /// front, waiting with the busy timeout instead of failing on a lock upgrade, and PostgreSQL locks that row.
    func transaction<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        try await withDatabase(.write) { database in
            try await database.raw("BEGIN").run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                // Detached: a cancelled task must still roll back, or the connection returns to the pool
                // inside an open transaction.
                let rollback = Task.detached { try await database.raw("ROLLBACK").run() }
                do {
                    try await rollback.value
                } catch let rollbackError {
                    logger.error("rollback failed: \(rollbackError)")
                }
                throw error
            }
        }
    }
}

/// Counts of units of work handed to the database (each a hop to a connection and back; each write one or more
/// commits).
public final class RoundTrips: Sendable {
    private let counts = Mutex((reads: 0, writes: 0))

    public init() {}

    func count(_ access: SQLAccess) {
        counts.withLock { access == .write ? ($0.writes += 1) : ($0.reads += 1) }
    }

    public var reads: Int { counts.withLock { $0.reads } }
    public var writes: Int { counts.withLock { $0.writes } }
}

/// Whether a unit of work may change the database.
enum SQLAccess: Sendable {
    case read
    case write
}

/// Where an ``SQLStore`` gets a connection: SQLite's pool or PostgreSQL's.
protocol SQLConnectionSource: Sendable {
    /// Runs `body` with a connection (an `SQLDatabase`) that no other task uses meanwhile.
    /// SQLite gives every `.write` the one writer connection; PostgreSQL may ignore `access`.
    func withDatabase<R>(_ access: SQLAccess, _ body: (any SQLDatabase) async throws -> R) async throws -> R
    func shutdown() async
}

extension SQLStore {
    /// The newest schema version this binary knows (what ``schemaVersion()`` reads after a successful open).
    public static var supportedSchemaVersion: Int { Migration.latestVersion }

    /// Runs raw SQL on one connection, bypassing the store's invariants: for maintenance commands and tests only.
    public func withRawDatabase<R>(_ body: (any SQLDatabase) async throws -> R) async throws -> R {
        try await withDatabase(.write, body)
    }
}

/// Commits units of work together with those of concurrent requests (one per backend).
protocol UnitCommitter: Sendable {
    func commit(_ unit: UnitOfWork) async throws -> [AuditEvent]
    func close() async
    /// Transactions committed, and units in them, since the store opened.
    var committed: Mutex<(transactions: Int, units: Int)> { get }
}

/// Reads the change feed (`cache_changes`, migration 3) for the read caches (one per backend).
protocol ChangeFeedReader: Sendable {
    func changes(after version: Int64) async throws -> CacheChanges
    /// A read started now, without awaiting it, when the reader can (see ``ChangeFeed/startChanges(after:)``).
    func startChanges(after version: Int64) -> EventLoopFuture<CacheChanges>?
    func latestVersion() async throws -> Int64
    var sharesReads: Bool { get }
    func close()
}

extension ChangeFeedReader {
    func startChanges(after version: Int64) -> EventLoopFuture<CacheChanges>? { nil }
}
