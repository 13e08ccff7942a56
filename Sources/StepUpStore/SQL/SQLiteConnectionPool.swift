import Foundation
import Logging
import SQLiteKit
import StepUpCore
import Synchronization

/// A fixed set of SQLite connections to one file, handed out one task at a time.
///
/// Why not AsyncKit's pool: its API is future-based and per event loop; this one is a few lines of async code,
/// runs on SQLiteNIO's shared thread pool and event loop (so there is no group of our own to shut down), and
/// configures every connection the same way (busy timeout, foreign keys) before first use.
final class SQLiteConnectionPool: Sendable {
    private struct State {
        var idle: [SQLiteConnection] = []
        var all: [SQLiteConnection] = []
        var waiters: [CheckedContinuation<SQLiteConnection, any Error>] = []
        var closed = false
    }

    private let state = Mutex(State())
    let logger: Logger

    /// Opens `size` connections; the first switches the file to WAL mode.
    init(path: String, size: Int, busyTimeoutMilliseconds: Int, logger: Logger) async throws {
        self.logger = logger
        for index in 0..<max(size, 1) {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            do {
                if index == 0 {
                    // WAL is a property of the file: readers never block the writer, and it survives reopening.
                    _ = try await connection.query("PRAGMA journal_mode = WAL")
                }
                _ = try await connection.query("PRAGMA busy_timeout = \(max(busyTimeoutMilliseconds, 0))")
                _ = try await connection.query("PRAGMA foreign_keys = ON")
            } catch {
                try? await connection.close()
                await close()
                throw error
            }
            state.withLock { state in
                state.idle.append(connection)
                state.all.append(connection)
            }
        }
    }

    /// Runs `body` with a connection no other task uses meanwhile.
    func withConnection<R>(_ body: (SQLiteConnection) async throws -> R) async throws -> R {
        let connection = try await checkOut()
        do {
            let result = try await body(connection)
            checkIn(connection)
            return result
        } catch {
            checkIn(connection)
            throw error
        }
    }

    private func checkOut() async throws -> SQLiteConnection {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<SQLiteConnection, any Error>? = state.withLock { state in
                if state.closed { return .failure(StoreError.backend("the database is closed")) }
                if let connection = state.idle.popLast() { return .success(connection) }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    private func checkIn(_ connection: SQLiteConnection) {
        let waiter: CheckedContinuation<SQLiteConnection, any Error>? = state.withLock { state in
            if state.closed { return nil }
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }

    /// Closes every connection; waiting tasks fail. Connections in use are closed too, so call it last.
    func close() async {
        let (connections, waiters) = state.withLock { state in
            let result = (state.all, state.waiters)
            state.closed = true
            state.all = []
            state.idle = []
            state.waiters = []
            return result
        }
        for waiter in waiters { waiter.resume(throwing: StoreError.backend("the database is closed")) }
        for connection in connections {
            do {
                try await connection.close()
            } catch {
                logger.warning("closing an SQLite connection failed: \(error)")
            }
        }
    }
}
