import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("One-time codes and the outbox, every backend", .timeLimit(.minutes(5)))
struct OutOfBandStoreConformanceTests {
    static func code(_ id: String, scope: String, at seconds: TimeInterval = 0) -> OneTimeCodeRecord {
        OneTimeCodeRecord(id: id, userID: "u1", factorID: "f1", scope: scope, sealedCode: Data([1, 2, 3]),
                          createdAt: at(seconds), expiresAt: at(seconds + 300))
    }

    static func message(_ id: String, key: String, at seconds: TimeInterval = 0) -> OutboxMessage {
        OutboxMessage(id: id, idempotencyKey: key, channel: "email", sealedPayload: Data([9]),
                      nextAttemptAt: at(seconds), createdAt: at(seconds))
    }

    @Test(arguments: Backend.allCases)
    func codesAreScopedSingleUseAndExpire(_ backend: Backend) async throws {
        try await withBackend(backend) { (harness: Harness) async throws in
            try await makeUser(harness.stores)
            let codes = harness.stores.codes
            try await codes.addCode(Self.code("c1", scope: "challenge:A"))
            try await codes.addCode(Self.code("c2", scope: "challenge:A", at: 10))
            try await codes.addCode(Self.code("c3", scope: "challenge:B"))
            #expect(try await codes.openCodes(scope: "challenge:A", at: at(20)).map(\.id) == ["c2", "c1"])
            #expect(try await codes.openCodes(scope: "challenge:B", at: at(20)).map(\.id) == ["c3"])
            #expect(try await codes.consumeCode(id: "c1", at: at(20)))
            #expect(try await codes.consumeCode(id: "c1", at: at(21)) == false, "single use")
            #expect(try await codes.openCodes(scope: "challenge:A", at: at(22)).map(\.id) == ["c2"])
            // At its expiry a code is neither open nor consumable.
            #expect(try await codes.openCodes(scope: "challenge:B", at: at(300)).isEmpty)
            #expect(try await codes.consumeCode(id: "c3", at: at(300)) == false)
        }
    }

    @Test(arguments: Backend.allCases)
    func racingConsumersOfOneCodeGetOneSuccess(_ backend: Backend) async throws {
        try await withBackend(backend) { (harness: Harness) async throws in
            try await makeUser(harness.stores)
            let codes = harness.stores.codes
            try await codes.addCode(Self.code("c1", scope: "challenge:A"))
            let results = try await race(20) { _ in try await codes.consumeCode(id: "c1", at: at(5)) }
            #expect(results.filter { $0 }.count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func anIdempotencyKeyIsStoredOnce(_ backend: Backend) async throws {
        try await withBackend(backend) { (harness: Harness) async throws in
            let outbox = harness.stores.outbox
            #expect(try await outbox.enqueue(Self.message("m1", key: "k1")))
            #expect(try await outbox.enqueue(Self.message("m2", key: "k1")) == false)
            #expect(try await outbox.outboxMessages(status: nil, limit: 10).map(\.id) == ["m1"])
        }
    }

    @Test(arguments: Backend.allCases)
    func aClaimedMessageIsLeasedThenRetriedThenGivenUp(_ backend: Backend) async throws {
        try await withBackend(backend) { (harness: Harness) async throws in
            let outbox = harness.stores.outbox
            _ = try await outbox.enqueue(Self.message("m1", key: "k1"))
            _ = try await outbox.enqueue(Self.message("m2", key: "k2", at: 100))
            let first = try await outbox.claimDue(at: at(1), lease: 60, limit: 10)
            #expect(first.map(\.id) == ["m1"], "m2 is not due yet")
            #expect(first.first?.attempts == 1)
            // Leased: a second sender (another instance) does not take it; after the lease (a crash) it does.
            #expect(try await outbox.claimDue(at: at(2), lease: 60, limit: 10).isEmpty)
            let again = try await outbox.claimDue(at: at(61), lease: 60, limit: 10)
            #expect(again.map(\.id) == ["m1"])
            #expect(again.first?.attempts == 2)
            try await outbox.markFailed(id: "m1", error: "connection refused", retryAt: at(70))
            #expect(try await outbox.claimDue(at: at(69), lease: 60, limit: 10).isEmpty)
            #expect(try await outbox.claimDue(at: at(70), lease: 60, limit: 1).map(\.id) == ["m1"])
            try await outbox.markFailed(id: "m1", error: "refused for good", retryAt: nil)
            let failed = try await outbox.outboxMessages(status: .failed, limit: 10)
            #expect(failed.map(\.id) == ["m1"])
            #expect(failed.first?.lastError == "refused for good")
            #expect(try await outbox.claimDue(at: at(200), lease: 60, limit: 10).map(\.id) == ["m2"])
            #expect(try await outbox.retryFailed(id: nil, at: at(250)) == 1)
            #expect(try await outbox.retryFailed(id: "m1", at: at(250)) == 0, "already pending")
            #expect(try await outbox.claimDue(at: at(250), lease: 60, limit: 10).map(\.id) == ["m1"], "m2 is leased until 260")
            try await outbox.markSent(id: "m1", at: at(301))
            #expect(try await outbox.outboxMessages(status: .sent, limit: 10).map(\.id) == ["m1"])
        }
    }

    @Test(arguments: Backend.allCases)
    func racingSendersNeverTakeOneMessageTwice(_ backend: Backend) async throws {
        try await withBackend(backend) { (harness: Harness) async throws in
            let outbox = harness.stores.outbox
            for index in 0..<10 { _ = try await outbox.enqueue(Self.message("m\(index)", key: "k\(index)")) }
            let claims = try await race(8) { _ in
                try await outbox.claimDue(at: at(1), lease: 60, limit: 3).map(\.id)
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 10)
            #expect(Set(all).count == 10)
        }
    }
}
