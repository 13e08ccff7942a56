import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import StepUpCore
import Synchronization

/// A leased PostgreSQL connection as an `SQLDatabase` whose queries always end.
///
/// postgres-nio never answers a query sent on a connection that has already closed (the database restarted,
/// or ``PostgresSource`` gave up on it): the caller would wait forever — a request, and with it the server's
/// exit. Here a query on a closed connection fails at once, and ``fail(_:)`` fails every query still waiting.
final class GuardedConnection: SQLDatabase {
    private struct State {
        var pending: [Int: @Sendable (any Error) -> Void] = [:]
        var next = 0
        var failure: (any Error)?
    }

    let connection: PostgresConnection
    private let base: any SQLDatabase
    private let state = Mutex(State())

    init(_ connection: PostgresConnection) {
        self.connection = connection
        base = connection.sql(queryLogLevel: .trace)
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        guarded { base.execute(sql: query, onRow) }
    }

    /// What `start` sends on the connection, answered by the connection or failed by ``fail(_:)``, whichever
    /// comes first; failed at once when the connection is already closed (`start` is not run).
    func guarded<T: Sendable>(_ start: () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let promise = base.eventLoop.makePromise(of: T.self)
        let ticket = state.withLock { state -> Result<Int, any Error> in
            if let failure = state.failure { return .failure(failure) }
            if connection.isClosed { return .failure(StoreError.backend("the database connection is closed")) }
            defer { state.next += 1 }
            state.pending[state.next] = { promise.fail($0) }
            return .success(state.next)
        }
        switch ticket {
        case .failure(let error):
            promise.fail(error)
        case .success(let ticket):
            start().whenComplete { [self] result in
                if state.withLock({ $0.pending.removeValue(forKey: ticket) }) != nil { promise.completeWith(result) }
            }
        }
        return promise.futureResult
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }

    /// Fails every query waiting for an answer, and every later one, with `error`.
    func fail(_ error: any Error) {
        let waiting = state.withLock { state in
            state.failure = state.failure ?? error
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        for fail in waiting { fail(error) }
    }
}
