import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

/// The backends every conformance test runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite
    /// SQLite behind the read caches, as every server runs it.
    case cachedSQLite
    /// A real PostgreSQL (``PostgresServer``), a fresh database per test.
    case postgres
    /// PostgreSQL behind the read caches.
    case cachedPostgres

    var testDescription: String { rawValue }
}

/// One opened backend: the stores plus what only some backends have.
struct Harness: Sendable {
    let stores: Stores
    let maintenance: any StoreMaintenance
    let verifyChain: @Sendable () async throws -> AuditChainReport
    /// Set for SQLite and PostgreSQL: the store itself; for SQLite its file.
    let sql: SQLStore?
    let path: String?
}

/// A fresh temporary directory, removed after `body`.
func withTemporaryDirectory<R>(_ body: (URL) async throws -> R) async throws -> R {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("stepup-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// Opens a fresh, empty backend for `body` and closes it afterwards.
func withBackend(_ backend: Backend, _ body: (Harness) async throws -> Void) async throws {
    switch backend {
    case .memory:
        let store = MemoryStore()
        try await body(Harness(stores: store.stores, maintenance: store, verifyChain: { store.verifyAuditChain() },
                               sql: nil, path: nil))
    case .sqlite, .cachedSQLite:
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("stepup.sqlite").path
            try await withSQLStore(try await SQLStore.openSQLite(path: path), cached: backend == .cachedSQLite,
                                   path: path, body)
        }
    case .postgres, .cachedPostgres:
        try await withPostgresDatabase { settings, _ in
            let store = try await SQLStore.openPostgres(settings: settings)
            try await withSQLStore(store, cached: backend == .cachedPostgres, path: nil, body)
        }
    }
}

/// Runs `body` on `store` (behind the read caches when `cached`), then shuts the store down.
private func withSQLStore(_ store: SQLStore, cached: Bool, path: String?, _ body: (Harness) async throws -> Void)
    async throws
{
    do {
        let stores = cached ? try await store.cachedStores() : store.stores
        try await body(Harness(stores: stores, maintenance: store,
                               verifyChain: { try await store.verifyAuditChain() }, sql: store, path: path))
    } catch {
        await store.shutdown()
        throw error
    }
    await store.shutdown()
}

/// A fixed instant with whole seconds (every backend stores it exactly).
let t0 = Date(timeIntervalSince1970: 1_750_000_000)

func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

@discardableResult
func makeUser(_ stores: Stores, id: String = "u1", username: String = "Alice", roles: [String] = []) async throws
    -> UserRecord
{
    let user = UserRecord(id: id, username: username, roles: roles, createdAt: t0)
    try await stores.credentials.createUser(user, passwordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
    return user
}


/// Runs `body` with settings for a fresh database on the shared test PostgreSQL, dropped afterwards; skipped
/// (nothing runs) without PostgreSQL, which fails the run under CI. The time limits are raised: the whole test
/// run loads a small machine, and a slow answer there is load, not the hung connection the limits are for.
func withPostgresDatabase(_ body: (PostgresSettings, PostgresServer) async throws -> Void) async throws {
    guard let server = try await PostgresServer.shared() else { return }
    let database = try await server.createDatabase()
    defer { server.dropDatabase(database) }
    var settings = try PostgresSettings(url: server.url(database: database))
    settings.operationTimeout = .seconds(120)
    settings.connectionWaitTimeout = .seconds(120)
    try await body(settings, server)
}
