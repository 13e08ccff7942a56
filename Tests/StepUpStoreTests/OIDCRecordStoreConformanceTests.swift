import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("OIDC record store conformance")
struct OIDCRecordStoreConformanceTests {
    func oidc(_ harness: Harness) -> any OIDCRecordStore {
        if let sql = harness.sql { return sql }
        return harness.stores.credentials as! MemoryStore
    }

    @Test(arguments: Backend.allCases)
    func putReadListRemove(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let store = oidc(harness)
            let record = OIDCRecord(kind: "client", id: "web", body: #"{"a":1}"#)
            try await store.putOIDCRecord(record)
            try await store.putOIDCRecord(OIDCRecord(kind: "client", id: "app", body: "{}", expiresAt: at(10)))
            try await store.putOIDCRecord(OIDCRecord(kind: "code", id: "web", body: "other kind"))
            #expect(try await store.oidcRecord(kind: "client", id: "web") == record)
            #expect(try await store.oidcRecords(kind: "client").map(\.id) == ["app", "web"])
            #expect(try await store.oidcRecords(kind: "client").first?.expiresAt == at(10))
            var replaced = record
            replaced.body = "{}"
            try await store.putOIDCRecord(replaced)
            #expect(try await store.oidcRecord(kind: "client", id: "web")?.body == "{}")
            #expect(try await store.removeOIDCRecord(kind: "client", id: "web"))
            #expect(try await store.removeOIDCRecord(kind: "client", id: "web") == false)
            #expect(try await store.oidcRecord(kind: "code", id: "web")?.body == "other kind")
        }
    }

    /// N racing redemptions of one authorization code: exactly one wins.
    @Test(arguments: Backend.allCases)
    func aCodeIsTakenOnceHoweverManyRace(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let store = oidc(harness)
            try await store.putOIDCRecord(OIDCRecord(kind: "code", id: "c1", body: "{}", expiresAt: at(60)))
            let taken = try await race(12) { _ in try await store.takeOIDCRecord(kind: "code", id: "c1", at: at(1)) }
            #expect(taken.compactMap { $0 }.count == 1)
            try await store.putOIDCRecord(OIDCRecord(kind: "code", id: "c2", body: "{}", expiresAt: at(60)))
            #expect(try await store.takeOIDCRecord(kind: "code", id: "c2", at: at(60)) == nil)
            try await store.putOIDCRecord(OIDCRecord(kind: "code", id: "c3", body: "{}", revokedAt: at(0)))
            #expect(try await store.takeOIDCRecord(kind: "code", id: "c3", at: at(1)) == nil)
        }
    }

    /// Racing refreshes with the same token: one rotation succeeds, the rest see a stale secret.
    @Test(arguments: Backend.allCases)
    func rotationHasOneWinnerAndStopsAtRevocation(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let store = oidc(harness)
            try await store.putOIDCRecord(OIDCRecord(kind: "refresh", id: "f1", secretHash: "h1", sessionID: "s1",
                                                     body: "g1", expiresAt: at(100)))
            let swaps = try await race(12) { index in
                try await store.swapOIDCRecord(kind: "refresh", id: "f1", expectedSecretHash: "h1",
                                               newSecretHash: "h2-\(index)", body: "g2", at: at(1))
            }
            #expect(swaps.filter { $0 }.count == 1)
            let current = try #require(try await store.oidcRecord(kind: "refresh", id: "f1"))
            #expect(current.secretHash?.hasPrefix("h2-") == true && current.body == "g2")
            #expect(try await store.swapOIDCRecord(kind: "refresh", id: "f1", expectedSecretHash: current.secretHash!,
                                                   newSecretHash: "h3", body: "g3", at: at(100)) == false)
            try await store.putOIDCRecord(OIDCRecord(kind: "refresh", id: "f2", secretHash: "x", sessionID: "s1", body: ""))
            try await store.putOIDCRecord(OIDCRecord(kind: "refresh", id: "f3", secretHash: "y", sessionID: "s2", body: ""))
            #expect(try await store.revokeOIDCRecords(kind: "refresh", id: nil, sessionID: "s1", at: at(2)) == 2)
            #expect(try await store.revokeOIDCRecords(kind: "refresh", id: nil, sessionID: "s1", at: at(3)) == 0)
            #expect(try await store.swapOIDCRecord(kind: "refresh", id: "f2", expectedSecretHash: "x",
                                                   newSecretHash: "z", body: "", at: at(2)) == false)
            #expect(try await store.oidcRecord(kind: "refresh", id: "f2")?.revokedAt == at(2))
            #expect(try await store.revokeOIDCRecords(kind: "refresh", id: "f3", sessionID: nil, at: at(4)) == 1)
            #expect(try await store.revokeOIDCRecords(kind: "refresh", id: nil, sessionID: nil, at: at(4)) == 0)
        }
    }
}
