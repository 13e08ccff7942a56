import Foundation
import SQLKit
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Synchronization
import Testing

/// Two stores on one PostgreSQL database stand in for two StepUp instances: every guarantee must come from SQL
/// (row locks, conditional statements, the change feed), not from one instance's memory.
@Suite("PostgreSQL shared by two instances", .heavy, .timeLimit(.minutes(5)))
struct PostgresInstancesTests {
    /// Opens two stores on a fresh database; nil (skipped, or failed under CI) without PostgreSQL.
    func withTwoInstances(_ body: (SQLStore, SQLStore, PostgresServer, String) async throws -> Void) async throws {
        try await withPostgresDatabase { settings, server in
            // Both at once: the migration lock makes the second wait for the first.
            async let opening = SQLStore.openPostgres(settings: settings)
            let second = try await SQLStore.openPostgres(settings: settings)
            try await withTwoStores(try await opening, second) { try await body($0, $1, server, settings.database) }
        }
    }

    @Test func replayGuardBudgetsAndAuditChainHoldAcrossInstances() async throws {
        try await withTwoInstances { first, second, _, _ in
            try await expectReplayGuardAndOneChain([first, second], appends: 60)
            let stores = [first, second]
            let spends = try await race(40) { index in
                try await stores[index % 2].spend(key: "guess:c1", limit: 7, window: 60, at: t0).receipt != nil
            }
            #expect(spends.filter { $0 }.count == 7)
        }
    }

    @Test func aChangeThroughOneInstanceReachesTheOthersCacheOnTheNextRead() async throws {
        try await withTwoInstances { first, second, _, _ in
            let cachedFirst = try await first.cachedStores()
            try await makeUser(second.stores)
            let session = Session(id: "s1", userID: "u1", createdAt: t0, lastSeenAt: t0,
                                  expiresAt: t0.addingTimeInterval(3_600))
            try await second.createSession(session, tokenHash: "h1")
            // Warm the first instance's caches (each request synchronizes first, as the server does).
            try await cachedFirst.coherence.synchronize()
            #expect(try await cachedFirst.sessions.session(tokenHash: "h1")?.revokedAt == nil)
            _ = try await cachedFirst.devices.device(userID: "u1", deviceID: "d1")
            try await cachedFirst.addressRules.setAddressRule(
                AddressRule(cidr: "192.0.2.0/24", verdict: .blocked, note: "", createdAt: t0))
            #expect(try await cachedFirst.addressRules.addressRules().count == 1)

            // The second instance signs out, sees a device and lifts the rule...
            try await second.revokeSession(id: "s1", at: at(5))
            try await second.recordDeviceSeen(userID: "u1", deviceID: "d1", label: "laptop", at: at(5))
            try await second.removeAddressRule(cidr: "192.0.2.0/24")
            // ...and the first instance's very next request says so.
            try await cachedFirst.coherence.synchronize()
            #expect(try await cachedFirst.sessions.session(tokenHash: "h1")?.revokedAt == at(5))
            #expect(try await cachedFirst.devices.device(userID: "u1", deviceID: "d1") != nil)
            #expect(try await cachedFirst.addressRules.addressRules().isEmpty)
        }
    }

    /// Fifty requests on one instance read a session through its caches, each first reading the change feed as the
    /// server does, while the other instance revokes the session: none that started after the revocation was
    /// acknowledged may see the session alive. Under this load the requests share feed reads; a request served by a
    /// read that began before it arrived would see the session alive.
    @Test func noRequestStartedAfterARevocationOnTheOtherInstanceSeesTheSessionAlive() async throws {
        try await withTwoInstances { first, second, _, _ in
            let cached = try await first.cachedStores()
            try await makeUser(second.stores)
            try await second.createSession(Session(id: "s1", userID: "u1", createdAt: t0, lastSeenAt: t0,
                                                   expiresAt: t0.addingTimeInterval(3_600)), tokenHash: "h1")
            try await cached.coherence.synchronize()
            #expect(try await cached.sessions.session(tokenHash: "h1")?.revokedAt == nil)
            let race = RaceLog()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        while !race.state.withLock({ $0.stopped }) {
                            let started = ContinuousClock.now
                            try await cached.coherence.synchronize()
                            let alive = try await cached.sessions.session(tokenHash: "h1")?.revokedAt == nil
                            race.state.withLock { race in
                                guard let acknowledged = race.acknowledged, started > acknowledged else { return }
                                race.checkedAfter += 1
                                if alive { race.aliveAfter += 1 }
                            }
                            // Requests answered from memory must not starve the revoking task of a thread.
                            await Task.yield()
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(200))
                    try await second.revokeSession(id: "s1", at: at(5))
                    race.state.withLock { $0.acknowledged = .now }
                    try await Task.sleep(for: .milliseconds(500))
                    race.state.withLock { $0.stopped = true }
                }
                try await group.waitForAll()
            }
            let result = race.state.withLock { $0 }
            #expect(result.checkedAfter >= 50, "requests ran after the revocation (\(result.checkedAfter))")
            #expect(result.aliveAfter == 0, "\(result.aliveAfter) of \(result.checkedAfter) saw the revoked session")
        }
    }

    /// What ``noRequestStartedAfterARevocationOnTheOtherInstanceSeesTheSessionAlive()``'s requests saw.
    final class RaceLog: Sendable {
        struct State {
            var acknowledged: ContinuousClock.Instant?
            var stopped = false
            var checkedAfter = 0
            var aliveAfter = 0
        }
        let state = Mutex(State())
    }

    @Test func aNewerSchemaIsRefused() async throws {
        try await withTwoInstances { first, _, server, database in
            #expect(try await first.schemaVersion() == SQLStore.supportedSchemaVersion)
            try server.psql("UPDATE stepup_schema SET version = 999", database: database)
            let error = await #expect(throws: StoreError.self) {
                try await SQLStore.openPostgres(settings: try PostgresSettings(url: server.url(database: database)))
            }
            #expect(error?.isSchemaTooNew == true)
        }
    }

    @Test func anUnreachableServerIsAClearError() async throws {
        guard let server = try await PostgresServer.shared() else { return }
        var settings = try PostgresSettings(url: server.url(database: "postgres"))
        settings.port = LoopbackPort.free()
        let error = await #expect(throws: StoreError.self) { try await SQLStore.openPostgres(settings: settings) }
        #expect(error?.reason.contains("cannot use PostgreSQL at postgres://stepup@127.0.0.1:\(settings.port)/postgres") == true)
        #expect(error?.reason.contains(server.password) == false)
        settings = try PostgresSettings(url: server.url(database: "postgres"))
        settings.password = "wrong"
        await #expect(throws: StoreError.self) { try await SQLStore.openPostgres(settings: settings) }
    }
}

@Suite("storage copy from SQLite to PostgreSQL", .heavy, .timeLimit(.minutes(5)))
struct StoreCopyTests {
    @Test func copiesEveryRowAndTheChainVerifies() async throws {
        guard let server = try await PostgresServer.shared() else { return }
        try await withTemporaryDirectory { directory in
            let sqlite = try await SQLStore.openSQLite(path: directory.appendingPathComponent("s.sqlite").path)
            try await makeUser(sqlite.stores)
            try await makeUser(sqlite.stores, id: "u2", username: "Bob", roles: ["admin"])
            try await sqlite.addFactor(FactorRecord(id: "f1", userID: "u1", kind: .totp, label: "phone", createdAt: t0,
                                                    sealedSecret: Data([1, 2, 3, 0, 255])))
            try await sqlite.replaceRecoveryCodes(userID: "u1", with: [
                RecoveryCodeRecord(id: "r1", userID: "u1", hash: "h", createdAt: t0)])
            let session = Session(id: "s1", userID: "u1", createdAt: t0, lastSeenAt: t0,
                                  expiresAt: t0.addingTimeInterval(3_600), deviceID: "d1", ip: "192.0.2.1")
            try await sqlite.createSession(session, tokenHash: "token-hash")
            try await sqlite.appendEvent(sessionID: "s1", AuthenticationEvent(id: "e1", factor: .password, at: t0))
            try await sqlite.recordDeviceSeen(userID: "u1", deviceID: "d1", label: "laptop", at: t0)
            try await sqlite.trustDevice(userID: "u1", deviceID: "d1", until: at(86_400))
            try await sqlite.saveRiskHistory(userID: "u1", Data("{}".utf8))
            for index in 0..<1_234 {
                try await sqlite.append(AuditEventDraft(type: "copy", at: at(Double(index)), userID: "u1",
                                                        details: ["n": "\(index)"]))
            }
            let database = try await server.createDatabase()
            defer { server.dropDatabase(database) }
            let postgres = try await SQLStore.openPostgres(settings: try PostgresSettings(url: server.url(database: database)))
            let progressed = Counter()
            let report = try await StoreCopy.copy(from: sqlite, to: postgres) { _, _, _ in progressed.add() }
            #expect(report.chain == AuditChainReport(checkedEvents: 1_234))
            #expect(progressed.value > 13)
            #expect(report.rows.first { $0.table == "audit_events" }?.count == 1_234)

            #expect(try await postgres.user(username: "bob")?.roles == ["admin"])
            #expect(try await postgres.factor(id: "f1")?.sealedSecret == Data([1, 2, 3, 0, 255]))
            #expect(try await postgres.unusedRecoveryCodes(userID: "u1").map(\.id) == ["r1"])
            let copied = try #require(try await postgres.session(tokenHash: "token-hash"))
            #expect(copied.events.map(\.id) == ["e1"] && copied.deviceID == "d1" && copied.revokedAt == nil)
            #expect(try await postgres.device(userID: "u1", deviceID: "d1")?.trustedUntil == at(86_400))
            #expect(try await postgres.riskHistory(userID: "u1") == Data("{}".utf8))
            // The copy continues the chain where the source left it.
            let next = try await postgres.append(AuditEventDraft(type: "after", at: at(5_000)))
            #expect(next.sequence == 1_235)
            #expect(try await postgres.verifyAuditChain() == AuditChainReport(checkedEvents: 1_235))

            // A second copy into the now non-empty target is refused and changes nothing.
            let refused = await #expect(throws: StoreError.self) { try await StoreCopy.copy(from: sqlite, to: postgres) }
            #expect(refused?.reason.contains("not empty") == true)
            #expect(try await postgres.verifyAuditChain() == AuditChainReport(checkedEvents: 1_235))
            await postgres.shutdown()
            await sqlite.shutdown()
        }
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
