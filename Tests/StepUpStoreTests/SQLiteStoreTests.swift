import Foundation
import SQLKit
import StepUpCore
import StepUpStore
import Testing

@Suite("SQLite file behaviour", .timeLimit(.minutes(5)))
struct SQLiteStoreTests {
    @Test func dataSurvivesCloseAndReopen() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("nested/stepup.sqlite").path
            let first = try await SQLStore.openSQLite(path: path)
            try await makeUser(first.stores)
            try await first.append(AuditEventDraft(type: "user.created", at: t0, userID: "u1"))
            await first.shutdown()

            let second = try await SQLStore.openSQLite(path: path)
            #expect(try await second.user(username: "ALICE")?.id == "u1")
            let next = try await second.append(AuditEventDraft(type: "login.succeeded", at: at(1), userID: "u1"))
            #expect(next.sequence == 2)
            #expect(try await second.verifyAuditChain() == AuditChainReport(checkedEvents: 2))
            await second.shutdown()
        }
    }

    @Test func migrationsAreIdempotent() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("stepup.sqlite").path
            for _ in 0..<3 {
                let store = try await SQLStore.openSQLite(path: path)
                #expect(try await store.schemaVersion() == SQLStore.supportedSchemaVersion)
                await store.shutdown()
            }
        }
    }

    /// Schema 6 keys `audit_events` by its sequence as SQLite's row id: a database of schema 5 (the table declared
    /// `BIGINT PRIMARY KEY`, with its own unique index) is upgraded in place, every event kept and the chain intact.
    @Test func schemaFiveAuditEventsAreRekeyedByTheirSequence() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("stepup.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            for index in 0..<25 {
                try await store.append(AuditEventDraft(type: "login.succeeded", at: at(Double(index)), userID: "u1"))
            }
            // Put the table back as schema 5 declared it, and the version with it.
            try await store.withRawDatabase { database in
                for statement: SQLQueryString in [
                    """
                    CREATE TABLE audit_events_v5 (sequence BIGINT PRIMARY KEY, type TEXT NOT NULL,
                        occurred_at DOUBLE PRECISION NOT NULL, user_id TEXT, session_id TEXT, ip TEXT,
                        policy_version TEXT, details TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL)
                    """,
                    "INSERT INTO audit_events_v5 SELECT * FROM audit_events",
                    "DROP TABLE audit_events",
                    "ALTER TABLE audit_events_v5 RENAME TO audit_events",
                    "UPDATE stepup_schema SET version = 5 WHERE id = 1",
                ] {
                    try await database.raw(statement).run()
                }
            }
            #expect(try await auditIndexCount(store) == 1, "schema 5 kept a separate index on the sequence")
            await store.shutdown()

            let upgraded = try await SQLStore.openSQLite(path: path)
            #expect(try await upgraded.schemaVersion() == 6)
            #expect(try await auditIndexCount(upgraded) == 0)
            #expect(try await upgraded.verifyAuditChain() == AuditChainReport(checkedEvents: 25))
            let next = try await upgraded.append(AuditEventDraft(type: "logout", at: at(30), userID: "u1"))
            #expect(next.sequence == 26)
            #expect(try await upgraded.auditEvents(after: 24, limit: 10).map(\.sequence) == [25, 26])
            #expect(try await upgraded.verifyAuditChain() == AuditChainReport(checkedEvents: 26))
            await upgraded.shutdown()
        }
    }

    private func auditIndexCount(_ store: SQLStore) async throws -> Int {
        try await store.withRawDatabase { database in
            try await database.raw("""
                SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events'
                """).first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }

    @Test func aNewerSchemaIsRefusedWithAClearError() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("stepup.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            try await store.withRawDatabase { database in
                try await database.raw("UPDATE stepup_schema SET version = 999 WHERE id = 1").run()
            }
            await store.shutdown()

            let supported = SQLStore.supportedSchemaVersion
            await #expect(throws: StoreError.schemaTooNew(found: 999, supported: supported)) {
                _ = try await SQLStore.openSQLite(path: path)
            }
            #expect(StoreError.schemaTooNew(found: 999, supported: supported).reason.contains("upgrade StepUp"))
        }
    }

    @Test func walModeForeignKeysAndOwnerOnlyFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("stepup.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            let (mode, foreignKeys, autocheckpoint) = try await store.withRawDatabase { database in
                let mode = try await database.raw("PRAGMA journal_mode").first()?
                    .decode(column: "journal_mode", as: String.self)
                let keys = try await database.raw("PRAGMA foreign_keys").first()?
                    .decode(column: "foreign_keys", as: Int.self)
                let pages = try await database.raw("PRAGMA wal_autocheckpoint").first()?
                    .decode(column: "wal_autocheckpoint", as: Int.self)
                return (mode, keys, pages)
            }
            #expect(mode == "wal")
            #expect(foreignKeys == 1)
            // The pooled connections leave checkpoints to the decision writer's checkpointer (SQLiteCheckpointer).
            #expect(autocheckpoint == 20_000)
            await store.shutdown()
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
            #expect(FileManager.default.fileExists(atPath: path + "-wal") == false, "WAL checkpointed on close")
        }
    }

    @Test func editingAnAuditRowIsDetected() async throws {
        try await withBackend(.sqlite) { harness in
            let store = try #require(harness.sql)
            for index in 0..<5 {
                try await store.append(AuditEventDraft(type: "decision.allow", at: at(Double(index)),
                                                       details: ["n": "\(index)"]))
            }
            #expect(try await store.verifyAuditChain().isIntact)
            try await store.withRawDatabase { database in
                try await database.raw("""
                    UPDATE audit_events SET details = '{"n":"tampered"}' WHERE sequence = 3
                    """).run()
            }
            let report = try await store.verifyAuditChain()
            #expect(report.firstBrokenSequence == 3)
            #expect(report.checkedEvents == 2)
            #expect(report.reason?.contains("edited") == true)
        }
    }

    @Test func deletingAnAuditRowIsDetected() async throws {
        try await withBackend(.sqlite) { harness in
            let store = try #require(harness.sql)
            for index in 0..<4 {
                try await store.append(AuditEventDraft(type: "decision.allow", at: at(Double(index))))
            }
            try await store.withRawDatabase { database in
                try await database.raw("DELETE FROM audit_events WHERE sequence = 4").run()
            }
            #expect(try await store.verifyAuditChain().firstBrokenSequence == 4)
            try await store.withRawDatabase { database in
                try await database.raw("DELETE FROM audit_events WHERE sequence = 2").run()
            }
            #expect(try await store.verifyAuditChain().firstBrokenSequence == 3)
        }
    }

    @Test func closedStoreFailsCleanly() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("s.sqlite").path)
            await store.shutdown()
            await #expect(throws: StoreError.self) { _ = try await store.listUsers() }
        }
    }

    /// A test cancelled at its time limit, or a server stopping, shuts the store down from a cancelled task: every
    /// connection must still close (the last one checkpoints the WAL into the file and removes it), not be dropped
    /// open — which sqlite-nio traps on in debug builds.
    @Test func aShutdownFromACancelledTaskClosesEveryConnection() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("c.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            try await makeUser(store.stores)
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            let shutdown = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                #expect(Task.isCancelled)
                await store.shutdown()
            }
            await shutdown.value
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "the last connection to close removes the WAL")
            let reopened = try await SQLStore.openSQLite(path: path)
            #expect(try await reopened.user(username: "alice")?.id == "u1")
            await reopened.shutdown()
        }
    }
}

@Suite("SQLite online backup", .timeLimit(.minutes(5)))
struct SQLiteBackupTests {
    @Test func backupIsAConsistentOpenableCopy() async throws {
        try await withBackend(.sqlite) { harness in
            let store = try #require(harness.sql)
            try await makeUser(harness.stores)
            try await store.append(AuditEventDraft(type: "user.created", at: t0, userID: "u1"))
            let directory = try #require(harness.path.map { URL(fileURLWithPath: $0).deletingLastPathComponent() })
            let copyPath = directory.appendingPathComponent("backup.sqlite").path
            try await store.backupSQLite(to: copyPath)
            await #expect(throws: StoreError.conflict("backup file \(copyPath)")) {
                try await store.backupSQLite(to: copyPath)
            }

            let copy = try await SQLStore.openSQLite(path: copyPath)
            #expect(try await copy.user(username: "alice")?.id == "u1")
            #expect(try await copy.verifyAuditChain() == AuditChainReport(checkedEvents: 1))
            await copy.shutdown()
        }
    }
}

@Suite("SQLite open failures", .timeLimit(.minutes(5)))
struct SQLiteOpenFailureTests {
    @Test func aFileThatIsNotADatabaseIsABackendError() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("garbage.sqlite").path
            try Data(repeating: 0x41, count: 4_096).write(to: URL(fileURLWithPath: path))
            do {
                let store = try await SQLStore.openSQLite(path: path)
                await store.shutdown()
                Issue.record("opened a file that is not a database")
            } catch let error as StoreError {
                #expect(error.reason.contains(path))
            }
        }
    }
}
