import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import SQLKit
import StepUpCore
import Synchronization

/// A PostgreSQL connection that one owner keeps instead of borrowing one from the pool for each operation: the
/// change feed's reader and the group committer, which each run one operation at a time on every request's path.
///
/// Borrowing costs more than the query it serves: ``PostgresSource`` lends through tasks of its own (a lease, a
/// wait limit, a watcher, a watchdog), and each hands off between threads. A held connection is used directly,
/// and one watchdog per connection stands in for the per-operation one.
///
/// It never makes anyone wait: ``run(_:)`` answers `nil` when the connection is in use (an owner's rare second
/// caller), while it is being opened (in the background, not by the operation), or when it is closed — the
/// caller then uses the pool, whose waits and outage handling (``PostgresSource``) apply as before. A connection
/// that closed or whose operation outlived the time limit is dropped, and a fresh one is opened in the background
/// (at most one attempt a second while they fail).
final class HeldConnection: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var guarded: GuardedConnection?
        var statements = Statements()
        var busy = false
        var connecting = false
        /// When the running operation started (nil while none runs).
        var busySince: ContinuousClock.Instant?
        var closed = false
        /// When connecting last failed: no new attempt for a second (the pool answers meanwhile).
        var failedAt: ContinuousClock.Instant?
        var watchdog: Task<Void, Never>?
    }

    /// What the owner's operation gets: the connection, and the same connection as an `SQLDatabase` whose queries
    /// fail once the watchdog gave up on it.
    struct Lease: Sendable {
        let connection: PostgresConnection
        let database: GuardedConnection
        fileprivate let statements: Statements

        /// Runs `sql` as a statement prepared on this connection at its first use, with `binds`; its rows.
        ///
        /// Bounded like every query on `database` (``GuardedConnection/guarded(_:)``), through postgres-nio's
        /// future-based `PreparedQuery`. That API labels every column of a row as text while the values arrive
        /// in binary, so a statement run here must return text columns only (cast the others, `version::text`):
        /// text reads the same either way.
        func prepared(_ sql: String, _ binds: [PostgresData]) async throws -> [PostgresRow] {
            try await preparedFuture(sql, binds).get()
        }

        /// ``prepared(_:_:)`` as a future, completed on the connection's event loop.
        func preparedFuture(_ sql: String, _ binds: [PostgresData]) -> EventLoopFuture<[PostgresRow]> {
            if let known = statements.known.withLock({ $0[sql] }) {
                return database.guarded { known.execute(binds) }
            }
            return database.guarded { connection.prepare(query: sql) }.flatMap { [statements, database] statement in
                statements.known.withLock { $0[sql] = statement }
                return database.guarded { statement.execute(binds) }
            }
        }
    }

    /// The statements prepared on one connection, by their SQL.
    fileprivate final class Statements: Sendable {
        let known = Mutex<[String: PreparedQuery]>([:])
    }

    private let configuration: PostgresConnection.Configuration
    /// The event loop the connection runs on (postgres-nio's default group when nil).
    private let eventLoop: (any EventLoop)?
    private let operationTimeout: Duration
    private let logger: Logger
    private let state = Mutex(State())
    /// Operations run on this connection, and those handed to the pool because it was busy or unavailable.
    let uses = Mutex((held: 0, pool: 0))

    private static let ids = Atomic<Int>(1_000_000)

    init(configuration: PostgresConnection.Configuration, operationTimeout: Duration,
         on eventLoop: (any EventLoop)? = nil, logger: Logger = Logger(label: "stepup.store")) {
        self.eventLoop = eventLoop
        var configuration = configuration
        configuration.options.connectTimeout = .seconds(5)
        self.configuration = configuration
        self.operationTimeout = operationTimeout
        self.logger = logger
    }

    /// Runs `body` on the held connection; `nil`, without running it, when the connection cannot be had at once
    /// (see the type's documentation). Without a connection, one is opened in the background meanwhile.
    func run<R>(_ body: (Lease) async throws -> R) async throws -> R? {
        guard let lease = acquire() else {
            uses.withLock { $0.pool += 1 }
            return nil
        }
        uses.withLock { $0.held += 1 }
        defer { release(lease) }
        return try await body(lease)
    }

    /// ``run(_:)`` for an operation that does not await: `body` starts it on the held connection and the
    /// connection is released when its future completes; `nil`, without running it, as with ``run(_:)``.
    func start<R: Sendable>(_ body: (Lease) -> EventLoopFuture<R>) -> EventLoopFuture<R>? {
        guard let lease = acquire() else {
            uses.withLock { $0.pool += 1 }
            return nil
        }
        uses.withLock { $0.held += 1 }
        let future = body(lease)
        future.whenComplete { _ in self.release(lease) }
        return future
    }

    private func acquire() -> Lease? {
        let (lease, connect) = state.withLock { state -> (Lease?, Bool) in
            guard !state.closed, !state.busy else { return (nil, false) }
            if let connection = state.connection, let guarded = state.guarded, !connection.isClosed {
                state.busy = true
                state.busySince = .now
                return (Lease(connection: connection, database: guarded, statements: state.statements), false)
            }
            state.connection = nil
            state.guarded = nil
            if state.connecting { return (nil, false) }
            if let failedAt = state.failedAt, ContinuousClock.now - failedAt < Self.retryAfter { return (nil, false) }
            state.connecting = true
            return (nil, true)
        }
        if connect { Task { await self.connect() } }
        return lease
    }

    /// After a failed attempt to connect, how long operations go to the pool before the next attempt.
    static let retryAfter = Duration.seconds(1)

    /// Opens the connection, in the background: operations meanwhile go to the pool.
    private func connect() async {
        var opened: PostgresConnection?
        do {
            let id = Self.ids.add(1, ordering: .relaxed).newValue
            opened = try await PostgresConnection.connect(
                on: eventLoop ?? PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration, id: id,
                logger: logger)
        } catch {
            logger.debug("held PostgreSQL connection: cannot connect (\(String(reflecting: error)))")
        }
        let keep = state.withLock { state -> Bool in
            state.connecting = false
            guard let opened, !state.closed else {
                state.failedAt = .now
                return false
            }
            state.connection = opened
            state.guarded = GuardedConnection(opened)
            state.statements = Statements()
            if state.watchdog == nil { state.watchdog = Self.watchdog(for: self) }
            return true
        }
        if !keep { try? await opened?.close() }
    }

    private func release(_ lease: Lease) {
        state.withLock { state in
            state.busy = false
            state.busySince = nil
            // A connection that closed under the operation is dropped; the next operation opens a fresh one.
            if lease.connection.isClosed, state.connection === lease.connection {
                state.connection = nil
                state.guarded = nil
            }
        }
    }

    /// Closes the connection of an operation that outlived ``operationTimeout``; its queries fail, and with them
    /// the operation. Checks a few times per time limit, never more than four times a second.
    private static func watchdog(for held: HeldConnection) -> Task<Void, Never> {
        let interval = min(Duration.milliseconds(250), held.operationTimeout / 4)
        return Task { [weak held] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let held else { return }
                await held.closeIfStuck()
            }
        }
    }

    private func closeIfStuck() async {
        let stuck = state.withLock { state -> (PostgresConnection, GuardedConnection)? in
            guard let since = state.busySince, ContinuousClock.now - since > operationTimeout,
                  let connection = state.connection, let guarded = state.guarded else { return nil }
            state.connection = nil
            state.guarded = nil
            return (connection, guarded)
        }
        if let (connection, guarded) = stuck {
            try? await connection.close()
            guarded.fail(StoreError.backend("the database did not answer within \(operationTimeout)"))
        }
    }

    /// Closes the connection; later operations go to the pool.
    func close() async {
        let (connection, watchdog) = state.withLock { state in
            state.closed = true
            defer {
                state.connection = nil
                state.guarded = nil
                state.watchdog = nil
            }
            return (state.connection, state.watchdog)
        }
        watchdog?.cancel()
        try? await connection?.close()
    }
}

extension PostgresSettings {
    /// The settings as one connection's configuration (the pool's, for a connection of its own).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socket = unixSocketPath {
            return .init(unixSocketPath: socket, username: username, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: try PostgresSource.tlsConfiguration(self)))
        case .require: tls = .require(try NIOSSLContext(configuration: try PostgresSource.tlsConfiguration(self)))
        }
        return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}
