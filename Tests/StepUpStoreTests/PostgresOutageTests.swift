import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

/// A database that stops answering with its connections still open (frozen, partitioned, or restarted under a
/// query the driver never hears back about) must fail operations within the store's time limit — never hang a
/// request, or the server's exit, forever — and the store must work again once the database answers.
@Suite("PostgreSQL that stops answering", .timeLimit(.minutes(3)))
struct PostgresOutageTests {
    @Test func aFrozenDatabaseFailsReadsAndWritesWithinTheLimitThenRecovers() async throws {
        guard let server = try await PostgresServer.dedicated() else { return }
        defer {
            server.signalAll(SIGCONT)
            server.destroy()
        }
        let database = try await server.createDatabase()
        var settings = try PostgresSettings(url: server.url(database: database))
        settings.operationTimeout = .seconds(2)
        let store = try await SQLStore.openPostgres(settings: settings)
        try await makeUser(store.stores)
        #expect(try await store.stores.credentials.user(id: "u1") != nil)

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
        let event = try await store.stores.audit.append(AuditEventDraft(type: "test.thawed", at: t0))
        #expect(event.sequence > 0)
        #expect(try await store.verifyAuditChain().isIntact)

        started = ContinuousClock.now
        await store.shutdown()
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
