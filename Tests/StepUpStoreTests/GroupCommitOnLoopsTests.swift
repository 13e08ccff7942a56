import Foundation
import NIOCore
import NIOPosix
import StepUpCore
import Synchronization
import Testing
@testable import StepUpStore

/// Group commit when requests run on event loops (as under `stepup serve`): the writer's first turn runs on the
/// loop of the request that found it idle, and its own thread takes the rest and whatever would stall that loop.
@Suite("Group commit on event loops", .timeLimit(.minutes(5)))
struct GroupCommitOnLoopsTests {
    /// Runs a task's jobs on one event loop, as `stepup serve` does with every task.
    final class LoopExecutor: TaskExecutor {
        let loop: any EventLoop

        init(_ loop: any EventLoop) { self.loop = loop }

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
        }
    }

    private func event(_ label: String) -> AuditEventDraft {
        AuditEventDraft(type: "test.event", at: t0, details: ["label": label])
    }

    /// Appends one event from a task that runs on `executor`'s loop; its place in the chain.
    private func append(_ store: SQLStore, _ label: String, on executor: LoopExecutor) async throws -> Int64 {
        try await withTaskExecutorPreference(executor) { try await store.append(event(label)).sequence }
    }

    @Test func crowdsOnTwoLoopsAreBatchedAndTheWriterStartsOnTheLoops() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let executors = group.makeIterator().map(LoopExecutor.init)
        try await withTemporaryDirectory { directory in
            let store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("loops.sqlite").path)
            let committer = try #require(store.committer)
            committer.hooks.withLock { $0.neverAlone = true }
            let sequences = try await withThrowingTaskGroup(of: Int64.self) { tasks in
                for index in 0..<300 {
                    tasks.addTask { try await append(store, "crowd-\(index)", on: executors[index % 2]) }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(sequences).count == 300, "every append has its own place in the chain")
            let transactions = committer.committed.withLock { $0.transactions }
            let onLoops = committer.loopCommits.load(ordering: .relaxed)
            #expect(onLoops >= 1, "no transaction was committed on an event loop")
            #expect(onLoops <= transactions)
            #expect(transactions < 300, "300 concurrent units were not batched: \(transactions) transactions")
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 300))
            await store.shutdown()
        }
        try await group.shutdownGracefully()
    }

    /// Another process holds SQLite's write lock: a turn on a loop must not wait for it there (every connection
    /// the loop serves would wait too). The writer's own thread waits, the loop goes on, and once the lock is free
    /// every request is committed and answered.
    @Test func aTurnThatFindsTheWriteLockHeldLeavesTheWaitToTheWritersThread() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let executor = LoopExecutor(group.next())
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("held.sqlite").path
            let store = try await SQLStore.openSQLite(path: path, busyTimeout: 30)
            let committer = try #require(store.committer)
            // Every unit goes to the writer, which starts its turn on the loop (a lone request has its own path).
            committer.hooks.withLock { $0.neverAlone = true }
            let other = try RawSQLiteConnection(path: path, busyTimeoutMilliseconds: 0, tuning: SQLiteTuning())
            try other.execute("BEGIN IMMEDIATE")
            let appends = (0..<20).map { index in
                Task { try await append(store, "held-\(index)", on: executor) }
            }
            // Let the appends reach the writer, then time the loop while they wait for the lock.
            try await Task.sleep(for: .milliseconds(200))
            let clock = ContinuousClock()
            let started = clock.now
            try await executor.loop.submit {}.get()
            let loopWaited = clock.now - started
            #expect(committer.committed.withLock { $0.transactions } == 0, "a commit went through a held lock")
            try other.execute("COMMIT")
            var sequences = Set<Int64>()
            for append in appends { sequences.insert(try await append.value) }
            #expect(sequences.count == 20)
            #expect(committer.loopTurnsHandedOver.load(ordering: .relaxed) >= 1, "no turn on the loop met the lock")
            #expect(loopWaited < .seconds(2), "the loop was held \(loopWaited) by a wait for the write lock")
            #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: 20))
            other.close()
            await store.shutdown()
        }
        try await group.shutdownGracefully()
    }
}
