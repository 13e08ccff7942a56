import Foundation
import Logging
import SQLKit
import StepUpCore

extension SQLStore {
    /// Applies every migration newer than the database's version, all in one transaction.
    ///
    /// Safe to run at every start and from several processes at once: the version row is locked first, so a
    /// second process waits and then finds nothing to do. Refuses a database from a newer binary.
    func migrate(at now: Date) async throws {
        if isPostgres {
            // One transaction from the start: PostgreSQL's DDL is transactional, and the advisory lock makes a
            // second instance starting at the same moment wait instead of racing `CREATE TABLE IF NOT EXISTS`.
            try await transaction { database in
                try await database.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: Self.migrationLock))").run()
                try await Self.createVersionTable(at: now, on: database)
                try await applyMigrations(at: now, on: database)
            }
            return
        }
        try await withDatabase(.write) { database in try await Self.createVersionTable(at: now, on: database) }
        try await transaction { database in try await applyMigrations(at: now, on: database) }
    }

    /// Any fixed number; every StepUp instance takes this advisory lock while it migrates.
    static let migrationLock = "7355608001"

    private static func createVersionTable(at now: Date, on database: any SQLDatabase) async throws {
        try await database.raw("""
            CREATE TABLE IF NOT EXISTS stepup_schema (id INTEGER PRIMARY KEY, version BIGINT NOT NULL,
                updated_at \(SQLRaw("DOUBLE PRECISION")) NOT NULL)
            """).run()
        try await database.raw("""
            INSERT INTO stepup_schema (id, version, updated_at) VALUES (1, 0, \(bind: now.timeIntervalSince1970))
            ON CONFLICT (id) DO NOTHING
            """).run()
    }

    private func applyMigrations(at now: Date, on database: any SQLDatabase) async throws {
        // A write first: takes SQLite's write lock / PostgreSQL's row lock before reading the version.
        let rows = try await database.raw("""
            UPDATE stepup_schema SET version = version WHERE id = 1 RETURNING version
            """).all()
        let found = try rows.first.map { try $0.decode(column: "version", as: Int.self) } ?? 0
        let supported = Migration.latestVersion
        guard found <= supported else { throw StoreError.schemaTooNew(found: found, supported: supported) }
        for migration in Migration.all where migration.version > found {
            logger.info("applying schema migration \(migration.version): \(migration.summary)")
            for statement in migration.statements(database.dialect) {
                try await database.raw(statement).run()
            }
            try await database.raw("""
                UPDATE stepup_schema SET version = \(bind: migration.version),
                    updated_at = \(bind: now.timeIntervalSince1970) WHERE id = 1
                """).run()
        }
    }

    /// The schema version recorded in the database.
    public func schemaVersion() async throws -> Int {
        try await withDatabase { database in
            let row = try await database.raw("SELECT version FROM stepup_schema WHERE id = 1").first()
            return try row.map { try $0.decode(column: "version", as: Int.self) } ?? 0
        }
    }
}
