import Synchronization
@testable import StepUpStore
import StepUpTestSupport
import Testing

/// Concurrent requests share change-feed reads (PostgreSQL), but none trusts a read that started before it
/// arrived: that is what makes a change acknowledged before a request visible to it.
@Suite("Shared change-feed reads", .timeLimit(.minutes(5)))
struct SharedFeedReadsTests {
    /// A clock of tickets: arrivals and read starts in one order.
    final class Log: Sendable {
        struct State {
            var ticket = 0
            var readsStarted: [Int] = []
            var readsFinished: [Int] = []
            var held = true
        }
        let state = Mutex(State())
        func tick() -> Int { state.withLock { $0.ticket += 1; return $0.ticket } }
        func read() async throws {
            let start = state.withLock { $0.ticket += 1; $0.readsStarted.append($0.ticket); return $0.ticket }
            while state.withLock({ $0.held }) { try await Task.sleep(for: .milliseconds(1)) }
            state.withLock { $0.readsFinished.append(start) }
        }
        /// Whether a read that started after `arrival` has finished.
        func answered(after arrival: Int) -> Bool { state.withLock { $0.readsFinished.contains { $0 > arrival } } }
    }

    @Test func requestsArrivingDuringAReadShareTheNextOneAndNeverTheRunningOne() async throws {
        let sharing = SharedFeedReads()
        let log = Log()
        let leader = Task {
            let arrival = log.tick()
            try await sharing.run { try await log.read() }
            return log.answered(after: arrival)
        }
        while log.state.withLock({ $0.readsStarted.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
        let followers = (0..<20).map { _ in
            Task {
                let arrival = log.tick()
                try await sharing.run { try await log.read() }
                return log.answered(after: arrival)
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(log.state.withLock { $0.readsStarted.count } == 1, "followers must not start reads of their own")
        log.state.withLock { $0.held = false }
        #expect(try await leader.value)
        for follower in followers { #expect(try await follower.value, "answered by a read that started before it") }
        #expect(log.state.withLock { $0.readsStarted.count } == 2, "the twenty followers share one read")
    }

    @Test func aFailedReadFailsThoseWhoSharedIt() async throws {
        struct Down: Error {}
        let sharing = SharedFeedReads()
        let log = Log()  // `held` is the gate; the followers' reads are counted by their starts
        let leader = Task {
            try await sharing.run { while log.state.withLock({ $0.held }) { try await Task.sleep(for: .milliseconds(1)) } }
        }
        try await Task.sleep(for: .milliseconds(20))
        let followers = (0..<5).map { _ in
            Task {
                try await sharing.run {
                    log.state.withLock { $0.readsStarted.append(0) }
                    throw Down()
                }
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        log.state.withLock { $0.held = false }
        try await leader.value
        for follower in followers { await #expect(throws: Down.self) { try await follower.value } }
        #expect(log.state.withLock { $0.readsStarted.count } == 1)
        // Nothing is left waiting: the next request reads by itself.
        try await sharing.run {}
    }
}
