import SQLiteKit
import StepUpCore
import Synchronization

/// A set of connections handed out to one task at a time, waiting tasks served first come, first served.
final class SQLiteConnectionQueue: Sendable {
    private struct State {
        var idle: [SQLiteConnection] = []
        var all: [SQLiteConnection] = []
        var waiters: [CheckedContinuation<SQLiteConnection, any Error>] = []
        var closed = false
    }

    private let state = Mutex(State())

    init() {}

    func add(_ connection: SQLiteConnection) {
        state.withLock { state in
            state.idle.append(connection)
            state.all.append(connection)
        }
    }

    /// Runs `body` with a connection no other task uses meanwhile.
    func withConnection<R>(_ body: (SQLiteConnection) async throws -> R) async throws -> R {
        let connection = try await checkOut()
        defer { checkIn(connection) }
        return try await body(connection)
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

    /// Marks the queue closed, fails the waiters and returns every connection for closing.
    func drain() -> [SQLiteConnection] {
        let (connections, waiters) = state.withLock { state in
            let result = (state.all, state.waiters)
            state.closed = true
            state.all = []
            state.idle = []
            state.waiters = []
            return result
        }
        for waiter in waiters { waiter.resume(throwing: StoreError.backend("the database is closed")) }
        return connections
    }
}
