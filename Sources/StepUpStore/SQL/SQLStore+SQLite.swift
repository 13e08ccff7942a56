import Foundation
import Logging
import SQLKit
import SQLiteKit
import StepUpCore

extension SQLStore {
    /// Opens (creating if needed, mode 0600) the SQLite database at `path`, switches it to WAL, enables foreign
    /// keys and a busy timeout on every connection, and applies pending migrations.
    ///
    /// Throws ``StoreError/schemaTooNew(found:supported:)`` when the file was written by a newer StepUp.
    public static func openSQLite(
        path: String,
        logger: Logger = Logger(label: "stepup.store"),
        readers: Int = 3,
        busyTimeout: TimeInterval = 5,
        throttleRetention: TimeInterval = 7 * 86_400,
        synchronous: SQLiteSynchronous = .normal
    ) async throws -> SQLStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        // The file holds password hashes and sealed secrets: owner-only. SQLite gives its -wal and -shm files
        // the permissions of the database file.
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let tuning = SQLiteTuning(synchronous: synchronous)
        let busyMilliseconds = Int(min(max(busyTimeout, 0), 3_600) * 1000)
        let pool: SQLiteConnectionPool
        let writer: RawSQLiteConnection
        var feedReaders: [RawSQLiteConnection] = []
        let checkpointer: SQLiteCheckpointer
        do {
            pool = try await SQLiteConnectionPool(path: path, readers: readers, busyTimeoutMilliseconds: busyMilliseconds,
                                                  tuning: tuning, logger: logger)
            do {
                var small = tuning
                small.mmapBytes = 0
                writer = try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: busyMilliseconds, tuning: small)
                // One per event loop (at least two), so requests on different loops never queue for a feed read.
                for _ in 0..<min(max(ProcessInfo.processInfo.activeProcessorCount, 2), 8) {
                    feedReaders.append(
                        try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: busyMilliseconds, tuning: small))
                }
                checkpointer = SQLiteCheckpointer(connection: try RawSQLiteConnection(
                    path: path, busyTimeoutMilliseconds: busyMilliseconds, tuning: small))
                try writer.reportWAL(to: checkpointer)
            } catch {
                await pool.close()
                throw error
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.backend("cannot open SQLite database at \(path): \(String(reflecting: error))")
        }
        let roundTrips = RoundTrips()
        let store = SQLStore(source: SQLiteSource(pool: pool, path: path), logger: logger, throttleRetention: throttleRetention,
                             committer: SQLiteGroupCommitter(connection: writer, checkpointer: checkpointer,
                                                              roundTrips: roundTrips,
                                                              commitsAlone: synchronous == .normal),
                             feed: SQLiteChangeFeed(connections: feedReaders,
                                                   walIndex: feedReaders.first.flatMap(WALIndexWatch.init)),
                             synchronous: synchronous,
                             roundTrips: roundTrips)
        do {
            try await store.migrate(at: Date())
        } catch {
            await store.shutdown()
            throw error
        }
        return store
    }
}

/// ``SQLConnectionSource`` over an ``SQLiteConnectionPool``.
struct SQLiteSource: SQLConnectionSource {
    let pool: SQLiteConnectionPool
    /// The database file (the online backup opens its own connection to it).
    let path: String

    func withDatabase<R>(_ access: SQLAccess, _ body: (any SQLDatabase) async throws -> R) async throws -> R {
        try await pool.withConnection(forWriting: access == .write) { connection in
            try await body(connection.sql(queryLogLevel: .trace))
        }
    }

    func shutdown() async {
        await pool.close()
    }
}
