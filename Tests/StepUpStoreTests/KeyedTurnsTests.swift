import Synchronization
import Testing
@testable import StepUpStore

/// PostgreSQL budget spends queue per key in memory (so waiters hold no pooled connection): one key's callers
/// run one at a time and in order, other keys' callers alongside, and a failing caller still hands its turn on.
@Suite("Keyed turns", .timeLimit(.minutes(5)))
struct KeyedTurnsTests {
    final class Recorder: Sendable {
        struct State {
            var inside = 0
            var most = 0
            var order: [Int] = []
            var arrived: Set<String> = []
            var firstHolds = false
            var ranDuringFirst = 0
        }
        let state = Mutex(State())
    }

    /// Polls `condition` for up to 5 s (a broken queue must fail the expectations below, not hang here).
    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
    }

    @Test func oneKeysCallersRunOneAtATimeInArrivalOrder() async throws {
        let turns = KeyedTurns()
        let recorder = Recorder()
        // The first caller holds the key until every other one has arrived and queued.
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await turns.run("user:alice") {
                recorder.state.withLock { $0.order.append(-1); $0.firstHolds = true }
                for await _ in release { break }
                recorder.state.withLock { $0.firstHolds = false }
            }
        }
        // Whatever ends this test early must still let the first caller go: its queued callers would wait for it,
        // and the task group for them, forever.
        defer { releaser.finish() }
        try await Self.waitUntil { turns.busyKeys > 0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { releaser.finish() }
            for index in 0..<20 {
                group.addTask {
                    try await turns.run("user:alice") {
                        recorder.state.withLock { state in
                            if state.firstHolds { state.ranDuringFirst += 1 }
                            state.inside += 1
                            state.most = max(state.most, state.inside)
                            state.order.append(index)
                        }
                        try await Task.sleep(for: .milliseconds(1))
                        recorder.state.withLock { $0.inside -= 1 }
                    }
                }
                // Arrival order is the order the tasks reach the queue: let each one get there first.
                try await Self.waitUntil { turns.queued("user:alice") > index }
            }
            releaser.yield()
            try await group.waitForAll()
        }
        try await first.value
        let final = recorder.state.withLock { $0 }
        #expect(final.ranDuringFirst == 0, "callers ran while the first still held the key")
        #expect(final.most == 1, "two callers of one key ran at once")
        #expect(final.order == [-1] + Array(0..<20))
        #expect(turns.busyKeys == 0)
    }

    @Test func differentKeysRunSideBySide() async throws {
        let turns = KeyedTurns()
        let recorder = Recorder()
        // Each body waits until both are inside: only possible if the two keys run at the same time.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for key in ["user:alice", "user:bob"] {
                group.addTask {
                    try await turns.run(key) {
                        recorder.state.withLock { _ = $0.arrived.insert(key) }
                        let deadline = ContinuousClock.now + .seconds(5)
                        while recorder.state.withLock({ $0.arrived.count }) < 2 {
                            guard ContinuousClock.now < deadline else { throw CancellationError() }
                            try await Task.sleep(for: .milliseconds(1))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(turns.busyKeys == 0)
    }

    @Test func aFailingCallerHandsItsTurnOn() async throws {
        struct Refused: Error {}
        let turns = KeyedTurns()
        await #expect(throws: Refused.self) { try await turns.run("k") { throw Refused() } }
        #expect(try await turns.run("k") { 42 } == 42)
        #expect(turns.busyKeys == 0)
    }
}
