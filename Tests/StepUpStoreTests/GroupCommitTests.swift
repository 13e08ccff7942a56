import Foundation
import StepUpCore
import Synchronization
import Testing
@testable import StepUpStore

/// Group commit: many requests' writes in one transaction, each acknowledged only once it is durable.
@Suite("Group commit", .timeLimit(.minutes(5)))
struct GroupCommitTests {
    /// What a lock holder on a thread of its own reports: it has released the lock, and whether its commit worked.
    final class Release: Sendable {
        let done = Atomic(false)
        let committed = Atomic(false)
    }

    /// A commit that blocks until released, so that the units arriving meanwhile form the next batch.
    final class Gate: Sendable {
        private let state = Mutex((held: true, batches: [Int]()))

        func release() { state.withLock { $0.held = false } }
        var batches: [Int] { state.withLock { $0.batches } }

        func beforeCommit(_ units: Int) {
            state.withLock { $0.batches.append(units) }
            while state.withLock({ $0.held }) { usleep(1_000) }
        }
    }

    private func event(_ label: String) -> AuditEventDraft {
        AuditEventDraft(type: "test.event", at: t0, details: ["label": label])
    }

    @Test func concurrentUnitsShareATransactionAndAreAllAcknowledged() async throws {
        try await withSQLite { store in
            let gate = Gate()
            store.committer!.hooks.withLock { $0.beforeCommit = { gate.beforeCommit($0) } }
            // The first unit holds the writer; the next 40 gather behind it.
            let first = Task { try await store.append(event("first")) }
            while gate.batches.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
            let rest = (0..<40).map { index in Task { try await store.append(event("unit-\(index)")) } }
            try await Task.sleep(for: .milliseconds(200))
            gate.release()
            _ = try await first.value
            var sequences: [Int64] = []
            for task in rest { sequences.append(try await task.value.sequence) }
            #expect(Set(sequences).count == 40)
            #expect(gate.batches.count < 10, "40 waiting units took \(gate.batches) transactions")
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 41))
        }
    }

    @Test func aFailingTransactionFailsEveryRequestInIt() async throws {
        try await withSQLite { store in
            let gate = Gate()
            let failNext = Mutex(false)
            store.committer!.hooks.withLock { hooks in
                hooks.beforeCommit = { units in
                    // The disk fails at the commit of the batch after the first.
                    let fail = failNext.withLock { $0 }
                    gate.beforeCommit(units)
                    if fail { throw StoreError.backend("I/O error (injected)") }
                }
            }
            let first = Task { try await store.append(event("before")) }
            while gate.batches.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
            failNext.withLock { $0 = true }
            let doomed = (0..<20).map { index in
                Task { () -> Bool in
                    do {
                        _ = try await store.commit(UnitOfWork(
                            challenges: [challenge("chl_doomed_\(index)")], auditEvents: [event("doomed-\(index)")]))
                        return true
                    } catch {
                        return false
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            gate.release()
            _ = try await first.value
            var acknowledged = 0
            for task in doomed where await task.value { acknowledged += 1 }
            #expect(acknowledged == 0, "a unit of a failed transaction was acknowledged")
            failNext.withLock { $0 = false }
            // Nothing of the failed batch is there, the chain is whole, and the writer works on.
            for index in 0..<20 { #expect(try await store.challenge(id: "chl_doomed_\(index)") == nil) }
            let after = try await store.append(event("after"))
            #expect(after.sequence == 2)
            #expect(try await store.auditEvents(after: 0, limit: 100).map { $0.event.details["label"] }
                == ["before", "after"])
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 2))
        }
    }

    @Test func aUnitThatFailsFailsAloneAndLeavesNothingBehind() async throws {
        try await withSQLite { store in
            try await store.createChallenge(challenge("chl_taken"))
            let gate = Gate()
            store.committer!.hooks.withLock { $0.beforeCommit = { gate.beforeCommit($0) } }
            let first = Task { try await store.append(event("first")) }
            while gate.batches.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
            // Same batch: a unit whose challenge id is taken (with an audit event), and a good unit.
            let bad = Task {
                try await store.commit(UnitOfWork(challenges: [challenge("chl_taken")], auditEvents: [event("bad")]))
            }
            let good = Task { try await store.append(event("good")) }
            try await Task.sleep(for: .milliseconds(100))
            gate.release()
            _ = try await first.value
            await #expect(throws: StoreError.conflict("challenge chl_taken")) { try await bad.value }
            #expect(try await good.value.event.details["label"] == "good")
            let labels = try await store.auditEvents(after: 0, limit: 100).compactMap { $0.event.details["label"] }
            #expect(labels == ["first", "good"], "the failed unit's audit event must not be there")
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 2))
        }
    }

    /// A slow disk makes every commit take 30 ms: requests wait longer, but each one's events stay in its own
    /// order and the chain verifies.
    @Test func aSlowSyncDelaysButNeverReordersTheChain() async throws {
        try await withSQLite { store in
            store.committer!.hooks.withLock { $0.beforeCommit = { _ in usleep(30_000) } }
            let writers = 12
            let perWriter = 8
            let acknowledged = try await withThrowingTaskGroup(of: [AuditEvent].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var events: [AuditEvent] = []
                        for step in 0..<perWriter {
                            events.append(try await store.append(event("w\(writer)-\(step)")))
                        }
                        return events
                    }
                }
                var all: [[AuditEvent]] = []
                for try await events in group { all.append(events) }
                return all
            }
            let stored = try await store.auditEvents(after: 0, limit: 1_000)
            #expect(stored.count == writers * perWriter)
            let bySequence = Dictionary(uniqueKeysWithValues: stored.map { ($0.sequence, $0) })
            for events in acknowledged {
                // Each writer's events in the order it wrote them, each exactly as acknowledged.
                #expect(events.map(\.sequence) == events.map(\.sequence).sorted())
                for event in events { #expect(bySequence[event.sequence] == event) }
            }
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: writers * perWriter))
            let commits = store.commits
            #expect(commits.transactions < commits.units, "the slow commits never gathered company: \(commits)")
        }
    }

    @Test func statementsArePreparedOnce() async throws {
        try await withSQLite { store in
            for index in 0..<50 { _ = try await store.append(event("e\(index)")) }
            let before = store.committer!.preparedStatements
            for index in 0..<50 { _ = try await store.append(event("f\(index)")) }
            #expect(store.committer!.preparedStatements == before, "the writer prepared statements again")
            #expect(before > 0)
        }
    }

    /// Commits never copy the WAL back themselves: past the threshold the checkpointer does it on its own
    /// connection, so the data reaches the database file while the writer goes on.
    @Test func theWALIsCheckpointedOffTheCommitPath() async throws {
        try await withSQLite { store, path in
            let fileSize = { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
            let initial = fileSize()
            let page = String(repeating: "x", count: 4_000)
            // About 1,600 pages of audit events (each event's details fill an overflow page), 8 writers at a time.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for index in 0..<200 {
                            _ = try await store.append(AuditEventDraft(
                                type: "test.event", at: t0, details: ["label": "\(writer)-\(index)", "pad": page]))
                        }
                    }
                }
                try await group.waitForAll()
            }
            var waited = 0
            while store.committer!.checkpointer.checkpoints == 0 || fileSize() < initial + 4_000_000, waited < 200 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(store.committer!.checkpointer.checkpoints > 0, "no checkpoint ran")
            #expect(fileSize() >= initial + 4_000_000, "the events never reached the database file: \(fileSize())")
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 1_600))
        }
    }

    /// A checkpoint starts once per threshold's worth of frames written, not after every commit once the WAL is
    /// longer than the threshold (SQLite's own rule: under load it ran a checkpoint and two `fsync`s per commit or
    /// two), and past the restart length the writer copies the last frames itself so the WAL starts over instead of
    /// growing.
    @Test func checkpointsFollowFramesWrittenAndTheWALStartsOver() async throws {
        try await withSQLite { store, path in
            let committer = try #require(store.committer)
            let checkpointer = committer.checkpointer
            checkpointer.threshold.store(64, ordering: .relaxed)
            checkpointer.restartLength.store(512, ordering: .relaxed)
            let framesBefore = checkpointer.framesWritten.load(ordering: .relaxed)
            let checkpointsBefore = checkpointer.checkpoints
            for index in 0..<1_500 { _ = try await store.append(event("w\(index)")) }
            // Let a checkpoint still running finish before counting.
            for _ in 0..<100 where checkpointer.checkpoints == checkpointsBefore {
                try await Task.sleep(for: .milliseconds(20))
            }
            let frames = checkpointer.framesWritten.load(ordering: .relaxed) - framesBefore
            let checkpoints = checkpointer.checkpoints - checkpointsBefore
            #expect(frames > 10 * 64, "enough frames to cross the threshold many times: \(frames)")
            #expect(checkpoints >= 1 && checkpoints <= frames / 64 + 1, "\(checkpoints) checkpoints for \(frames) frames")
            #expect(committer.restarts.load(ordering: .relaxed) > 0, "the writer never copied the last frames")
            let wal = ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? 0
            // The WAL file is as long as the WAL ever was: had it never started over, it would hold every frame.
            #expect(wal > 0 && wal < frames * (4_096 + 24) / 2, "the WAL did not start over: \(wal) bytes")
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 1_500))
        }
    }

    /// The writer waits for another connection's write lock with short sleeps, within the busy timeout: a short
    /// hold delays a commit, a hold past the timeout fails it (acknowledging nothing), and the store goes on.
    @Test func theWriterWaitsForAnotherWriterWithinTheBusyTimeout() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("busy.sqlite").path
            let store = try await SQLStore.openSQLite(path: path, busyTimeout: 1)
            let other = try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: 0, tuning: SQLiteTuning())
            func holdLock(for microseconds: UInt32) async throws {
                try other.execute("BEGIN IMMEDIATE")
                // The holder sleeps on a thread of its own: on two cores the concurrency pool has two threads,
                // which other suites' blocking work (and this append's busy wait) may hold past the timeout.
                let release = Release()
                let holder = Thread {
                    usleep(microseconds)
                    release.committed.store((try? other.execute("COMMIT")) != nil, ordering: .relaxed)
                    release.done.store(true, ordering: .releasing)
                }
                holder.start()
                try await Task.sleep(for: .milliseconds(1))
                var failure: (any Error)?
                do {
                    _ = try await store.append(event("while held for \(microseconds) µs"))
                } catch {
                    failure = error
                }
                while !release.done.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(5)) }
                let committed = release.committed.load(ordering: .relaxed)
                #expect(committed, "the other connection's COMMIT failed")
                if microseconds < 1_000_000 {
                    #expect(failure == nil, "a 20 ms lock failed the commit: \(String(describing: failure))")
                } else {
                    #expect(failure is StoreError, "a lock held past the busy timeout: \(String(describing: failure))")
                }
            }
            // Wide margins either side of the 1 s timeout: a loaded machine stretches every sleep.
            try await holdLock(for: 20_000)
            try await holdLock(for: 5_000_000)
            _ = try await store.append(event("after"))
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 2))
            other.close()
            await store.shutdown()
        }
    }

    /// A request that finds the writer idle commits on its own thread (no hand-off to the writer and back); units
    /// that arrive while it does, and a crowd, are batched by the writer's queue; the chain stays one line.
    @Test func aLoneRequestCommitsOnItsOwnThreadAndACrowdOnTheWriters() async throws {
        try await withSQLite { store in
            let committer = try #require(store.committer)
            try await Task.sleep(for: .milliseconds(5))
            _ = try await store.append(event("alone"))
            #expect(committer.aloneCommits.load(ordering: .relaxed) == 1)
            // One client's requests, one after another with a pause between: each is alone.
            for index in 0..<5 {
                try await Task.sleep(for: .milliseconds(2))
                _ = try await store.append(event("spaced-\(index)"))
            }
            #expect(committer.aloneCommits.load(ordering: .relaxed) == 6)
            try await withThrowingTaskGroup { group in
                for index in 0..<40 { group.addTask { _ = try await store.append(event("crowd-\(index)")) } }
                try await group.waitForAll()
            }
            let transactions = committer.committed.withLock { $0.transactions }
            let alone = committer.aloneCommits.load(ordering: .relaxed)
            #expect(transactions > alone, "a crowd of 40 never reached the writer's queue")
            #expect(transactions < 46, "40 concurrent units were not batched: \(transactions) transactions")
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 46))
        }
    }

    /// With `synchronous = full` every commit syncs the WAL: a lone request leaves that to the writer's thread.
    @Test func withFullSyncEveryCommitIsTheWriters() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("full.sqlite").path,
                                                      synchronous: .full)
            let committer = try #require(store.committer)
            try await Task.sleep(for: .milliseconds(5))
            _ = try await store.append(event("alone"))
            #expect(committer.aloneCommits.load(ordering: .relaxed) == 0)
            #expect(committer.committed.withLock { $0.transactions } == 1)
            await store.shutdown()
        }
    }

    private func withSQLite(_ body: (SQLStore) async throws -> Void) async throws {
        try await withSQLite { store, _ in try await body(store) }
    }

    private func withSQLite(_ body: (SQLStore, String) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("gc.sqlite").path
            let store = try await SQLStore.openSQLite(path: path)
            do {
                try await body(store, path)
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        }
    }
}

func challenge(_ id: String) -> Challenge {
    Challenge(id: id, userID: "u1", sessionID: "s1", action: "bank.transfer",
              requirement: Requirement(level: "aal2"), createdAt: t0, expiresAt: at(300), attemptsLeft: 3,
              policyVersion: "v1")
}
