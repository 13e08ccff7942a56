import Foundation
import StepUpCore
@testable import StepUpStore
import StepUpTestSupport
import Synchronization
import Testing

/// PostgreSQL's group committer writes a batch in one statement while it knows the audit head, and as a
/// transaction that reads the head afresh when another instance moved it or a unit of the batch fails.
@Suite("PostgreSQL group commit", .heavy, .timeLimit(.minutes(5)))
struct PostgresGroupCommitTests {
    private func withStores(_ count: Int, _ body: ([SQLStore]) async throws -> Void) async throws {
        try await withPostgresDatabase { settings, _ in
            var stores: [SQLStore] = []
            for _ in 0..<count { stores.append(try await SQLStore.openPostgres(settings: settings)) }
            do {
                try await body(stores)
            } catch {
                for store in stores { await store.shutdown() }
                throw error
            }
            for store in stores { await store.shutdown() }
        }
    }

    private func event(_ label: String) -> AuditEventDraft {
        AuditEventDraft(type: "test", at: t0, details: ["label": label])
    }

    @Test func aKnownHeadCommitsInOneStatementAndAMovedHeadFallsBackWithoutForking() async throws {
        try await withStores(2) { stores in
            let (first, second) = (stores[0], stores[1])
            _ = try await first.append(event("a1"))  // learns the head through a transaction
            _ = try await first.append(event("a2"))
            _ = try await first.append(event("a3"))
            let committer = try #require(first.postgresCommitter)
            committer.refusalPause.withLock { $0 = .seconds(600) }  // no clock in this test: the pause ends below
            let afterOwn = committer.paths.withLock { $0 }
            #expect(afterOwn == (oneStatement: 2, transaction: 1, refused: 0), "\(afterOwn)")
            // Another instance moves the head: the first one's next statement is refused and it falls back.
            _ = try await second.append(event("b1"))
            let moved = try await first.append(event("a4"))
            #expect(moved.sequence == 5)
            let afterMove = committer.paths.withLock { $0 }
            #expect(afterMove == (oneStatement: 2, transaction: 2, refused: 1), "\(afterMove)")
            // For a while after a refusal, batches go straight to a transaction (no statement bound to fail)...
            _ = try await second.append(event("b2"))
            _ = try await first.append(event("a5"))
            let paused = committer.paths.withLock { $0 }
            #expect(paused == (oneStatement: 2, transaction: 3, refused: 1), "\(paused)")
            // ...and once it has ended, one statement is tried again.
            committer.pausedUntil.withLock { $0 = .now }
            _ = try await first.append(event("a6"))
            let resumed = committer.paths.withLock { $0 }
            #expect(resumed == (oneStatement: 3, transaction: 3, refused: 1), "\(resumed)")
            // Both instances appending at once: one unbroken chain, every sequence number once.
            let events = try await race(200) { index in
                try await stores[index % 2].append(self.event("race \(index)"))
            }
            #expect(Set(events.map(\.sequence)) == Set(9...208))
            for store in stores {
                #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 208))
            }
        }
    }

    @Test func aUnitWithATakenChallengeFailsAloneInsideABatch() async throws {
        try await withStores(1) { stores in
            let store = stores[0]
            try await makeUser(store.stores)
            try await store.createChallenge(challenge("chl_taken"))
            _ = try await store.append(event("warm"))  // the committer knows the head from here on
            let results = try await race(40) { index -> Result<Int64, StoreError> in
                let unit = index == 17
                    ? UnitOfWork(challenges: [challenge("chl_taken")], auditEvents: [self.event("bad")])
                    : UnitOfWork(challenges: [challenge("chl_ok_\(index)")], auditEvents: [self.event("good \(index)")])
                do {
                    return .success(try await store.commit(unit).first!.sequence)
                } catch let error as StoreError {
                    return .failure(error)
                }
            }
            let failures = results.compactMap { if case .failure(let error) = $0 { error } else { nil } }
            #expect(failures == [StoreError.conflict("challenge chl_taken")])
            let labels = try await store.auditEvents(after: 0, limit: 100).compactMap { $0.event.details["label"] }
            #expect(labels.count == 40 && !labels.contains("bad"))
            for index in 0..<40 where index != 17 {
                #expect(try await store.challenge(id: "chl_ok_\(index)") != nil)
            }
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 40))
        }
    }

    /// A batch that fails without PostgreSQL's answer (the connection broke: it may have committed) is never run
    /// again unit by unit, which could write its units twice; every unit in it fails and none is written here.
    @Test func aBatchWhoseOutcomeIsUnknownIsNotRunAgain() async throws {
        struct ConnectionLost: Error {}
        try await withStores(1) { stores in
            let store = stores[0]
            _ = try await store.append(event("warm"))
            let batches = Mutex<[Int]>([])
            store.postgresCommitter!.hooks.withLock {
                $0.beforeBatch = { units in
                    let call = batches.withLock { $0.append(units); return $0.count }
                    if call == 1 { usleep(200_000) }  // the others queue up behind the first batch...
                    if call == 2 { throw ConnectionLost() }  // ...and their batch is lost
                }
            }
            let first = Task { try await store.append(self.event("first")) }
            while batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
            let results = try await race(20) { index -> Bool in
                (try? await store.append(self.event("race \(index)"))) != nil
            }
            _ = try await first.value
            let sizes = batches.withLock { $0 }
            try #require(sizes.count >= 2 && sizes[1] > 1, "\(sizes)")
            #expect(results.filter { !$0 }.count == sizes[1], "every unit of the lost batch fails, and only those")
            let written = try await store.auditEvents(after: 0, limit: 100).count
            #expect(written == 2 + results.filter { $0 }.count)
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: written))
        }
    }
}
