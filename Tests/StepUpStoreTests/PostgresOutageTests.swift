import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

/// A database that stops answering with its connections still open (frozen, partitioned, or restarted under a
/// query the driver never hears back about) must fail operations within the store's time limit — never hang a
/// request, or the server's exit, forever — and the store must work again once the database answers.
@Suite("PostgreSQL that stops answering", .heavy, .timeLimit(.minutes(5)))
struct PostgresOutageTests {
    @Test func aFrozenDatabaseFailsReadsAndWritesWithinTheLimitThenRecovers() async throws {
        guard let server = try await PostgresServer.dedicated() else { return }
        defer {
            server.signalAll(SIGCONT)
            server.destroy()
        }
        let database = try await server.createDatabase()
        var settings = try PostgresSettings(url: server.url(database: database))
        // Migrated and filled with time to spare (the test machine is loaded); then opened again, with nothing
        // left to migrate, under a short limit.
        settings.operationTimeout = .seconds(120)
        settings.connectionWaitTimeout = .seconds(120)
        let setup = try await SQLStore.openPostgres(settings: settings)
        try await makeUser(setup.stores)
        await setup.shutdown()
        settings.operationTimeout = .seconds(3)
        settings.connectionWaitTimeout = PostgresSettings().connectionWaitTimeout
        var opened: SQLStore?
        for _ in 0..<5 where opened == nil { opened = try? await SQLStore.openPostgres(settings: settings) }
        let store = try #require(opened)
        // Outside the frozen stretch the test machine may be slow enough to hit the short limit now and then:
        // those operations are retried until a deadline, so only the behaviour under test can fail the test.
        #expect(try await patiently { try await store.stores.credentials.user(id: "u1") } != nil)

        server.signalAll(SIGSTOP)
        // A read on the pooled connection, whose query is never answered.
        var started = ContinuousClock.now
        await #expect(throws: StoreError.self) { _ = try await store.stores.credentials.user(id: "u1") }
        #expect(ContinuousClock.now - started < .seconds(25), "failed within the limit, not hung")
        // A write through group commit.
        started = ContinuousClock.now
        await #expect(throws: StoreError.self) {
            _ = try await store.stores.audit.append(AuditEventDraft(type: "test.frozen", at: t0))
        }
        #expect(ContinuousClock.now - started < .seconds(25), "failed within the limit, not hung")

        server.signalAll(SIGCONT)
        // Fresh connections replace the closed ones.
        var recovered = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !recovered, ContinuousClock.now < deadline {
            recovered = (try? await store.stores.credentials.user(id: "u1")) != nil
            if !recovered { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(recovered, "the store answers again once the database does")
        let event = try await patiently {
            try await store.stores.audit.append(AuditEventDraft(type: "test.thawed", at: t0))
        }
        #expect(event.sequence > 0)
        #expect(try await patiently { try await store.verifyAuditChain() }.isIntact)

        started = ContinuousClock.now
        await store.shutdown()
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// Runs `operation` until it succeeds, for up to 30 s; the last error is thrown.
    private func patiently<T>(_ operation: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            do { return try await operation() } catch {
                if ContinuousClock.now >= deadline { throw error }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// A transaction cut off by the time limit: its connection is closed under it, so the rollback (and any
    /// other query) goes to a closed connection, which the driver never answers. Such queries fail at once:
    /// here every opening (a migration in one transaction) fails cleanly, none hangs.
    @Test func aTransactionCutOffByTheLimitFailsInsteadOfHanging() async throws {
        guard let server = try await PostgresServer.shared() else { return }
        let database = try await server.createDatabase()
        defer { server.dropDatabase(database) }
        var settings = try PostgresSettings(url: server.url(database: database))
        settings.operationTimeout = .milliseconds(15)
        let started = ContinuousClock.now
        for _ in 0..<5 {
            await #expect(throws: StoreError.self) { _ = try await SQLStore.openPostgres(settings: settings) }
        }
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}
