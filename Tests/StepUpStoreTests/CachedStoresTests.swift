import Foundation
import SQLKit
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

/// The read caches serve from memory, and every change — by this process, another store on the file, or raw
/// SQL — reaches them at the next `synchronize()`; on SQLite and on PostgreSQL (two instances on one database).
@Suite("Read caches and the change feed", .timeLimit(.minutes(5)))
struct CachedStoresTests {
    struct Bed {
        let cached: Stores
        let other: SQLStore
        let own: SQLStore
    }

    /// Two stores on one database: an SQLite file, or a PostgreSQL database (two instances).
    func withBed(_ backend: Backend, _ body: (Bed) async throws -> Void) async throws {
        if backend == .postgres {
            try await withPostgresDatabase { settings, _ in
                try await withStores(try await SQLStore.openPostgres(settings: settings),
                                     try await SQLStore.openPostgres(settings: settings), body)
            }
            return
        }
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("cache.sqlite").path
            try await withStores(try await SQLStore.openSQLite(path: path), try await SQLStore.openSQLite(path: path),
                                 body)
        }
    }

    private func withStores(_ own: SQLStore, _ other: SQLStore, _ body: (Bed) async throws -> Void) async throws {
        try await withTwoStores(own, other) { own, other in
            try await body(Bed(cached: try await own.cachedStores(), other: other, own: own))
        }
    }

    @Test(arguments: [Backend.sqlite, .postgres])
    func hitsCostNoDatabaseReadsAndOtherStoresChangesArriveAtTheNextSynchronize(_ backend: Backend) async throws {
        try await withBed(backend) { bed in
            let user = try await makeUser(bed.cached)
            let session = Session(id: "s1", userID: user.id, createdAt: t0, expiresAt: at(3_600), events: [])
            try await bed.cached.sessions.createSession(session, tokenHash: "hash-1")
            try await bed.cached.devices.recordDeviceSeen(userID: user.id, deviceID: "dv1", label: "d", at: t0)
            try await bed.cached.addressRules.setAddressRule(
                AddressRule(cidr: "192.0.2.0/24", verdict: .trusted, createdAt: t0))
            // Warm every cache, then read again: no database reads at all.
            func readAll() async throws -> (Session?, UserRecord?, DeviceRecord?, [AddressRule], Int) {
                try await bed.cached.coherence.synchronize()
                return (try await bed.cached.sessions.session(tokenHash: "hash-1"),
                        try await bed.cached.credentials.user(id: user.id),
                        try await bed.cached.devices.device(userID: user.id, deviceID: "dv1"),
                        try await bed.cached.addressRules.addressRules(),
                        try await bed.cached.throttle.failureCount(key: "k", since: t0))
            }
            _ = try await readAll()
            let before = bed.own.roundTrips.reads
            _ = try await readAll()
            #expect(bed.own.roundTrips.reads - before == 1, "one feed read, everything else from memory")

            // Another store (the CLI, another instance) changes each of them.
            try await bed.other.revokeSession(id: "s1", at: at(10))
            try await bed.other.setDisabled(userID: user.id, true)
            try await bed.other.revokeDevice(userID: user.id, deviceID: "dv1")
            try await bed.other.setAddressRule(AddressRule(cidr: "198.51.100.0/24", verdict: .blocked, createdAt: t0))
            try await bed.other.recordFailure(key: "k", at: at(20))
            let (session2, user2, device2, rules2, failures2) = try await readAll()
            #expect(session2?.revokedAt != nil)
            #expect(user2?.disabled == true)
            #expect(device2?.revoked == true)
            #expect(rules2.map(\.cidr) == ["192.0.2.0/24", "198.51.100.0/24"])
            #expect(failures2 == 1)
            try await bed.other.clearFailures(key: "k")
            #expect(try await readAll().4 == 0)
        }
    }

    @Test(arguments: [Backend.sqlite, .postgres])
    func rawSQLChangesReachTheCachesToo(_ backend: Backend) async throws {
        try await withBed(backend) { bed in
            let user = try await makeUser(bed.cached)
            #expect(try await bed.cached.credentials.user(id: user.id)?.disabled == false)
            try await bed.other.withRawDatabase { database in
                try await database.raw("UPDATE users SET disabled = \(bind: true) WHERE id = \(bind: user.id)").run()
            }
            try await bed.cached.coherence.synchronize()
            #expect(try await bed.cached.credentials.user(id: user.id)?.disabled == true)
        }
    }

    @Test(arguments: [Backend.sqlite, .postgres])
    func aReaderThatMissedPrunedChangesDropsEverything(_ backend: Backend) async throws {
        try await withBed(backend) { bed in
            let user = try await makeUser(bed.cached)
            #expect(try await bed.cached.credentials.user(id: user.id)?.roles == [])
            // The change is made, and its log entry is gone before this process reads it (as after pruning).
            try await bed.other.setRoles(userID: user.id, ["admin"])
            try await bed.other.withRawDatabase { database in try await database.raw("DELETE FROM cache_changes").run() }
            try await bed.cached.coherence.synchronize()
            #expect(try await bed.cached.credentials.user(id: user.id)?.roles == ["admin"])
        }
    }

    /// A busy session's requests all find its last activity stale at once: one of them writes it.
    @Test(arguments: [Backend.sqlite, .postgres])
    func concurrentActivityWritesOfOneSessionAreOne(_ backend: Backend) async throws {
        try await withBed(backend) { bed in
            let user = try await makeUser(bed.cached)
            let session = Session(id: "s1", userID: user.id, createdAt: t0, expiresAt: at(3_600), events: [])
            try await bed.cached.sessions.createSession(session, tokenHash: "hash-1")
            func writes() async throws -> Int {
                try await bed.other.withRawDatabase { database in
                    try await database.raw("""
                        SELECT COUNT(*) AS n FROM cache_changes WHERE entity = 'session' AND entity_key = 's1'
                        """).first()?.decode(column: "n", as: Int.self) ?? -1
                }
            }
            let before = try await writes()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask { try await bed.cached.sessions.touchSession(id: "s1", at: at(10 + Double(index) / 1_000)) }
                }
                try await group.waitForAll()
            }
            #expect(try await writes() - before == 1, "fifty requests, one write")
            let stored = try #require(try await bed.other.session(id: "s1")?.lastSeenAt)
            #expect(stored >= at(10) && stored < at(10.05))

            // The next interval writes again; a write that fails leaves the next request to write.
            try await bed.cached.sessions.touchSession(id: "s1", at: at(15))
            #expect(try await writes() - before == 2)
            await #expect(throws: StoreError.self) { try await bed.cached.sessions.touchSession(id: "gone", at: at(15)) }
            await #expect(throws: StoreError.self) { try await bed.cached.sessions.touchSession(id: "gone", at: at(15.1)) }
        }
    }
}
