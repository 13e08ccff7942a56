import NIOCore
import NIOPosix
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
        /// A read that runs until `held` is false.
        func read() -> EventLoopFuture<Void> {
            let start = state.withLock { $0.ticket += 1; $0.readsStarted.append($0.ticket); return $0.ticket }
            let promise = SharedFeedReads.eventLoop.makePromise(of: Void.self)
            promise.completeWithTask {
                while self.state.withLock({ $0.held }) { try await Task.sleep(for: .milliseconds(1)) }
                self.state.withLock { $0.readsFinished.append(start) }
            }
            return promise.futureResult
        }
        /// Whether a read that started after `arrival` has finished.
        func answered(after arrival: Int) -> Bool { state.withLock { $0.readsFinished.contains { $0 > arrival } } }
    }

    @Test func requestsArrivingDuringAReadShareTheNextOneAndNeverTheRunningOne() async throws {
        let sharing = SharedFeedReads()
        let log = Log()
        let leader = Task {
            let arrival = log.tick()
            try await sharing.run { log.read() }
            return log.answered(after: arrival)
        }
        while log.state.withLock({ $0.readsStarted.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
        let followers = (0..<20).map { _ in
            Task {
                let arrival = log.tick()
                try await sharing.run { log.read() }
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

    /// Requests keep arriving while reads run: read follows read, each answering exactly those who arrived before
    /// it started, and the reads stop once nobody waits.
    @Test func underAStreamOfRequestsEachIsAnsweredByAReadThatStartedAfterIt() async throws {
        let sharing = SharedFeedReads()
        let log = Log()
        log.state.withLock { $0.held = false }
        let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<400 {
                group.addTask {
                    if index % 8 == 0 { try await Task.sleep(for: .microseconds(200 * (index % 5))) }
                    let arrival = log.tick()
                    try await sharing.run { log.read() }
                    return log.answered(after: arrival)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(answered.count == 400 && answered.allSatisfy { $0 })
        let reads = log.state.withLock { $0.readsStarted.count }
        #expect(reads < 400, "requests that overlap share reads (\(reads) reads for 400 requests)")
        // Idle again: the next request starts a read of its own at once.
        let before = log.state.withLock { $0.readsStarted.count }
        try await sharing.run { log.read() }
        #expect(log.state.withLock { $0.readsStarted.count } == before + 1)
    }

    @Test func aFailedReadFailsThoseWhoSharedIt() async throws {
        struct Down: Error {}
        let sharing = SharedFeedReads()
        let log = Log()  // `held` gates the first read; every later read fails
        @Sendable func read() -> EventLoopFuture<Void> {
            let first = log.state.withLock { state in
                defer { state.readsStarted.append(0) }
                return state.readsStarted.isEmpty
            }
            guard first else { return SharedFeedReads.eventLoop.makeFailedFuture(Down()) }
            let promise = SharedFeedReads.eventLoop.makePromise(of: Void.self)
            promise.completeWithTask {
                while log.state.withLock({ $0.held }) { try await Task.sleep(for: .milliseconds(1)) }
            }
            return promise.futureResult
        }
        let leader = Task { try await sharing.run(read) }
        while log.state.withLock({ $0.readsStarted.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
        let followers = (0..<5).map { _ in Task { try await sharing.run(read) } }
        try await Task.sleep(for: .milliseconds(20))
        log.state.withLock { $0.held = false }
        try await leader.value
        for follower in followers { await #expect(throws: Down.self) { try await follower.value } }
        #expect(log.state.withLock { $0.readsStarted.count } == 2, "the five followers shared the failed read")
        // Nothing is left waiting: the next request reads by itself.
        try await sharing.run { SharedFeedReads.eventLoop.makeSucceededVoidFuture() }
    }

    /// A database that is down fails every read at once, on the calling thread: thousands of requests arriving
    /// meanwhile each get the error, and the reads do not nest (no stack overflow, nothing left waiting).
    @Test func readsThatFailAtOnceUnderAStormNeitherNestNorStrandAnyone() async throws {
        struct Down: Error {}
        let sharing = SharedFeedReads()
        let reads = Log()  // counts the reads started
        let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<2_000 {
                group.addTask {
                    do {
                        try await sharing.run {
                            reads.state.withLock { $0.readsStarted.append(0) }
                            return SharedFeedReads.eventLoop.makeFailedFuture(Down())
                        }
                        return false
                    } catch is Down {
                        return true
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 2_000)
        #expect(reads.state.withLock { $0.readsStarted.count } <= 2_000)
        try await sharing.run { SharedFeedReads.eventLoop.makeSucceededVoidFuture() }
    }
}
