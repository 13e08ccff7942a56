import Foundation
import Logging
import SQLiteKit
import StepUpCore

/// SQLite connections to one file: one writer, several readers.
///
/// SQLite allows one writer at a time. Giving every write in this process the same connection means writes
/// queue here, in async code, instead of each sleeping in SQLite's busy handler on a shared NIO thread (with two
/// threads, two sleepers would starve the transaction they wait for). The busy timeout still covers other
/// processes (the CLI) writing to the same file. Readers never block in WAL mode.
///
/// Why not AsyncKit's pool: it has no reader/writer split, and its API is future-based.
final class SQLiteConnectionPool: Sendable {
    private let writer = SQLiteConnectionQueue()
    private let readers = SQLiteConnectionQueue()
    let logger: Logger

    /// Opens one writer and `readers` reader connections; the writer switches the file to WAL mode.
    init(path: String, readers readerCount: Int, busyTimeoutMilliseconds: Int, tuning: SQLiteTuning,
         logger: Logger) async throws {
        self.logger = logger
        do {
            for index in 0...max(readerCount, 1) {
                let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                (index == 0 ? writer : readers).add(connection)
                if index == 0 {
                    // WAL is a property of the file: readers never block the writer, and it survives reopening.
                    _ = try await connection.query("PRAGMA journal_mode = WAL")
                }
                _ = try await connection.query("PRAGMA busy_timeout = \(max(busyTimeoutMilliseconds, 0))")
                for pragma in tuning.pragmas { _ = try await connection.query(pragma) }
            }
        } catch {
            await close()
            throw error
        }
    }

    /// Runs `body` with a connection of its own: the writer when `forWriting`, else a reader.
    func withConnection<R>(forWriting: Bool, _ body: (SQLiteConnection) async throws -> R) async throws -> R {
        try await (forWriting ? writer : readers).withConnection(body)
    }

    /// Closes every connection; waiting tasks fail. Call it once nothing uses the store any more.
    ///
    /// Also from a cancelled task (a shutdown at a time limit): sqlite-nio's async `close()` gives up at once when
    /// its task is cancelled, leaving the connection open, so this waits on the future-based one, which always runs.
    func close() async {
        for connection in writer.drain() + readers.drain() {
            do {
                try await connection.close().get()
            } catch {
                logger.warning("closing an SQLite connection failed: \(error)")
            }
        }
    }
}
