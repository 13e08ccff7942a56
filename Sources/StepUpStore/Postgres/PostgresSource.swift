import Foundation
import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import StepUpCore
import Synchronization

/// ``SQLConnectionSource`` over postgres-nio's connection pool (`PostgresClient`), which runs in a task of its
/// own until ``shutdown()``.
///
/// **Outages.** While the database is unreachable the pool retries with a growing backoff (up to a minute), and
/// requests would queue behind it. Instead, waiting for a connection is limited (``leaseTimeout``, one second
/// once the database is known to be failing), and a wait that fails replaces an idle pool (none of its
/// connections in use) with a fresh one (at most once a second), whose first attempt is immediate: so `/readyz`
/// answers 503 promptly during an outage and 200 within about a second of the database's return.
final class PostgresSource: SQLConnectionSource {
    private struct Pool {
        var client: PostgresClient
        var runner: Task<Void, Never>
        var started: ContinuousClock.Instant
        /// Connections borrowed from it and in use: a pool with any is working and is never retired.
        var inUse = 0
    }

    private let configuration: PostgresClient.Configuration
    private let background: Logger
    private let pool: Mutex<Pool>
    /// Since when borrowing has failed (nil while the database answers).
    private let failingSince = Mutex<ContinuousClock.Instant?>(nil)
    /// How long an operation waits for a connection while the database answers
    /// (``PostgresSettings/connectionWaitTimeout``).
    let leaseTimeout: Duration
    /// How long an operation may use its connection (``PostgresSettings/operationTimeout``).
    let operationTimeout: Duration

    init(settings: PostgresSettings, logger: Logger) throws {
        var configuration: PostgresClient.Configuration
        if let socket = settings.unixSocketPath {
            configuration = .init(unixSocketPath: socket, username: settings.username, password: settings.password,
                                  database: settings.database)
        } else {
            configuration = .init(host: settings.host, port: settings.port, username: settings.username,
                                  password: settings.password, database: settings.database,
                                  tls: try Self.tls(settings))
        }
        configuration.options.maximumConnections = max(1, settings.poolSize)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        self.configuration = configuration
        operationTimeout = settings.operationTimeout
        leaseTimeout = settings.connectionWaitTimeout
        // The pool logs every failed connection attempt; at warning and above only.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        self.background = background
        pool = Mutex(Self.makePool(configuration, background))
    }

    private static func makePool(_ configuration: PostgresClient.Configuration, _ logger: Logger) -> Pool {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return Pool(client: client, runner: Task { await client.run() }, started: .now)
    }

    /// A failed wait on `client`: from now on waits are short, and the pool is replaced (at most once a second;
    /// never while any of its connections is in use, and failures of an already retired pool retire nothing).
    private func noteFailure(of client: PostgresClient) {
        let now = ContinuousClock.now
        failingSince.withLock { $0 = $0 ?? now }
        let retired = pool.withLock { pool -> Pool? in
            guard pool.client === client, pool.inUse == 0, now - pool.started > .seconds(1) else { return nil }
            let old = pool
            pool = Self.makePool(configuration, background)
            return old
        }
        retired?.runner.cancel()
    }

    static func tls(_ settings: PostgresSettings) throws -> PostgresClient.Configuration.TLS {
        switch settings.tls {
        case .disable: return .disable
        case .prefer: return .prefer(try tlsConfiguration(settings))
        case .require: return .require(try tlsConfiguration(settings))
        }
    }

    /// Certificate and host name verification against the system's roots and `ca_file`'s.
    static func tlsConfiguration(_ settings: PostgresSettings) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                tls.trustRoots = .default
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch {
                throw StoreError.backend("storage.postgres.ca_file \(caFile): cannot read PEM certificates (\(error))")
            }
        }
        return tls
    }

    /// Runs `body` on a pooled connection (see "Outages" above for how long it waits for one).
    func withDatabase<R>(_ access: SQLAccess, _ body: (any SQLDatabase) async throws -> R) async throws -> R {
        var leased = try await lease()
        // A connection that closed while it sat in the pool (the database went away) would fail this operation at
        // its first query: take another.
        for _ in 0..<3 where leased.connection.isClosed {
            leased.handoff.giveBack()
            leased = try await lease()
        }
        let (connection, handoff, client) = leased
        pool.withLock { if $0.client === client { $0.inUse += 1 } }
        // A query on a connection that died under it (the database restarted mid-query) may never be answered:
        // past the time limit the connection is closed, and whatever still waits on it fails.
        let database = GuardedConnection(connection)
        let expired = Mutex(false)
        let watchdog = Task { [operationTimeout] in
            try await Task.sleep(for: operationTimeout)
            expired.withLock { $0 = true }
            // Closed first: the failure below ends the operation, which hands the connection back to the pool.
            try? await connection.close()
            database.fail(StoreError.backend("the database did not answer within \(operationTimeout)"))
        }
        defer {
            watchdog.cancel()
            pool.withLock { if $0.client === client { $0.inUse -= 1 } }
            handoff.giveBack()
        }
        do {
            return try await body(database)
        } catch where expired.withLock({ $0 }) {
            // Until a connection works again, later operations wait for one only briefly.
            failingSince.withLock { $0 = $0 ?? .now }
            throw StoreError.backend("the database did not answer within \(operationTimeout)")
        }
    }

    /// A connection from the pool, lent by a task of its own until `handoff.giveBack()` (see "Outages" above for
    /// how long it waits for one).
    private func lease() async throws
        -> (connection: PostgresConnection, handoff: ConnectionHandoff, client: PostgresClient)
    {
        let handoff = ConnectionHandoff()
        let client = pool.withLock { $0.client }
        let lease = Task {
            try await client.withConnection { connection in
                await handoff.lend(connection)
            }
        }
        let failing = failingSince.withLock { $0 } != nil
        let connection: PostgresConnection
        do {
            connection = try await handoff.borrow(timeout: failing ? .seconds(1) : leaseTimeout, lease: lease)
        } catch {
            lease.cancel()
            noteFailure(of: client)
            throw error
        }
        if failing { failingSince.withLock { $0 = nil } }
        return (connection, handoff, client)
    }

    /// Closes the pool, waiting at most 5 s for it (a connection stuck on a vanished server must not hold up
    /// the process's exit).
    func shutdown() async {
        let runner = pool.withLock { $0.runner }
        runner.cancel()
        let resumed = Mutex(false)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let once: @Sendable () -> Void = {
                if resumed.withLock({ flag in defer { flag = true }; return !flag }) { done.resume() }
            }
            Task { await runner.value; once() }
            Task { try? await Task.sleep(for: .seconds(5)); once() }
        }
    }
}

/// Hands a connection leased in another task to the waiting operation, and holds the lease until it is given
/// back: so that the wait for a connection can time out without cancelling the operation itself.
final class ConnectionHandoff: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var borrower: CheckedContinuation<PostgresConnection, any Error>?
        var returned: CheckedContinuation<Void, Never>?
        var failure: StoreError?
        var done = false
    }

    private let state = Mutex(State())

    /// In the leasing task: offers `connection` and waits until it is given back (or the borrower gave up).
    func lend(_ connection: PostgresConnection) async {
        await withCheckedContinuation { (returned: CheckedContinuation<Void, Never>) in
            let borrower = state.withLock { state -> CheckedContinuation<PostgresConnection, any Error>?? in
                if state.done { return .none }
                state.returned = returned
                state.connection = connection
                defer { state.borrower = nil }
                return .some(state.borrower)
            }
            switch borrower {
            case .none: returned.resume()
            case .some(let waiting?): waiting.resume(returning: connection)
            case .some(nil): break
            }
        }
    }

    /// The lent connection, or an error after `timeout` (or when the lease fails).
    func borrow(timeout: Duration, lease: Task<Void, any Error>) async throws -> PostgresConnection {
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.fail(StoreError.backend("no database connection within \(timeout) (is PostgreSQL reachable?)"))
        }
        let watcher = Task { [weak self] in
            do {
                try await lease.value
            } catch {
                self?.fail(StoreError.backend("cannot connect to PostgreSQL: \(SQLStore.reason(error))"))
            }
        }
        defer {
            timer.cancel()
            watcher.cancel()
        }
        return try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<PostgresConnection, StoreError>? in
                if let connection = state.connection { return .success(connection) }
                if let failure = state.failure { return .failure(failure) }
                state.borrower = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    private func fail(_ error: StoreError) {
        let waiting = state.withLock { state -> CheckedContinuation<PostgresConnection, any Error>? in
            guard state.connection == nil, !state.done else { return nil }
            state.done = true
            state.failure = error
            defer { state.borrower = nil }
            return state.borrower
        }
        waiting?.resume(throwing: error)
    }

    /// The borrower is done with the connection: the lease ends.
    func giveBack() {
        let returned = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.done = true
            defer { state.returned = nil }
            return state.returned
        }
        returned?.resume()
    }
}
