import Foundation
import Logging
import NIOCore
import SQLKit
import StepUpCore

extension SQLStore {
    /// Connects to PostgreSQL and applies pending migrations (one transaction; several instances starting at
    /// once wait for each other). Several StepUp instances may share the database.
    ///
    /// Throws ``StoreError/schemaTooNew(found:supported:)`` when the database was migrated by a newer StepUp, and
    /// ``StoreError/backend(_:)`` when it cannot be reached.
    ///
    /// ```swift
    /// let store = try await SQLStore.openPostgres(settings: try PostgresSettings(url: "postgres://stepup@db/stepup"))
    /// ```
    public static func openPostgres(
        settings: PostgresSettings,
        logger: Logger = Logger(label: "stepup.store"),
        throttleRetention: TimeInterval = 7 * 86_400
    ) async throws -> SQLStore {
        let source = try PostgresSource(settings: settings, logger: logger)
        let roundTrips = RoundTrips()
        // The committer and the change feed each keep a connection of their own (see HeldConnection); the feed's
        // runs on an event loop of its own (see SharedFeedReads).
        let connection = try settings.connectionConfiguration()
        func held(on eventLoop: (any EventLoop)? = nil) -> HeldConnection {
            HeldConnection(configuration: connection, operationTimeout: settings.operationTimeout, on: eventLoop,
                           logger: logger)
        }
        let store = SQLStore(source: source, logger: logger, throttleRetention: throttleRetention,
                             committer: PostgresGroupCommitter(source: source, held: held(), roundTrips: roundTrips,
                                                                batchTimeout: settings.operationTimeout),
                             feed: PostgresChangeFeed(source: source, held: held(on: SharedFeedReads.eventLoop)),
                             synchronous: .full,
                             roundTrips: roundTrips)
        do {
            try await store.migrate(at: Date())
        } catch {
            await store.shutdown()
            if let error = error as? StoreError, error.isSchemaTooNew { throw error }
            throw StoreError.backend("cannot use PostgreSQL at \(settings.redactedDescription): \(Self.reason(error))")
        }
        return store
    }

    /// The server's own message for a PostgreSQL error, not the driver's generic wrapper.
    static func reason(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.reason }
        return String(reflecting: error)
    }

    /// Whether this store runs on PostgreSQL.
    public var isPostgres: Bool { source is PostgresSource }
}
