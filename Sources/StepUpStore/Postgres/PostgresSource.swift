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
final class PostgresSource: SQLConnectionSource {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    /// How long an operation waits for a connection.
    let leaseTimeout: Duration = .seconds(10)

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
        // The pool logs every failed connection attempt; at warning and above only.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        client = PostgresClient(configuration: configuration, backgroundLogger: background)
        runner = Task { [client] in await client.run() }
    }

    static func tls(_ settings: PostgresSettings) throws -> PostgresClient.Configuration.TLS {
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
        switch settings.tls {
        case .disable: return .disable
        case .prefer: return .prefer(tls)
        case .require: return .require(tls)
        }
    }

    /// Runs `body` on a pooled connection. Waiting for one is limited to ``leaseTimeout``: while the database is
    /// unreachable the pool keeps retrying in the background, and requests (and `/readyz`) fail after that
    /// long instead of queueing for the pool's own minute.
    func withDatabase<R>(_ access: SQLAccess, _ body: (any SQLDatabase) async throws -> R) async throws -> R {
        let handoff = ConnectionHandoff()
        let lease = Task { [client] in
            try await client.withConnection { connection in
                await handoff.lend(connection)
            }
        }
        let connection: PostgresConnection
        do {
            connection = try await handoff.borrow(timeout: leaseTimeout, lease: lease)
        } catch {
            lease.cancel()
            throw error
        }
        defer { handoff.giveBack() }
        return try await body(connection.sql(queryLogLevel: .trace))
    }

    func shutdown() async {
        runner.cancel()
        await runner.value
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
