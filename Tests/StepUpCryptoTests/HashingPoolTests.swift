import Dispatch
import Foundation
import Synchronization
import Testing
@testable import StepUpCrypto

@Suite("HashingPool", .timeLimit(.minutes(5)))
struct HashingPoolTests {
    @Test func refusesWhenItsQueueIsFull() async throws {
        try await Self.withFullPool { pool in
            await #expect(throws: PasswordHashError.overloaded("")) { try await pool.run { 2 } }
        }
    }

    /// An overloaded pool reaches the caller as that error on every path, never as a mismatch, so the
    /// server can say "try again later" instead of "wrong password" (and not count a failed sign-in).
    @Test func overloadIsThrownNeverReportedAsAMismatch() async throws {
        let parameters = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)
        let stored = try await PasswordHasher(parameters: parameters, pool: HashingPool(threads: 1)).hash("pw")
        let codes = RecoveryCodes.generate()
        try await Self.withFullPool { pool in
            let hasher = PasswordHasher(parameters: parameters, pool: pool)
            let paths: [(String, @Sendable () async throws -> Void)] = [
                ("verify, right password", { _ = try await hasher.verify("pw", against: stored) }),
                ("verify, wrong password", { _ = try await hasher.verify("wrong", against: stored) }),
                ("verifyUnknownUser", { try await hasher.verifyUnknownUser("pw") }),
                ("hashRecoveryCodes", { _ = try await hasher.hashRecoveryCodes(codes) }),
                ("matchRecoveryCode", { _ = try await hasher.matchRecoveryCode(codes[0], against: [stored]) }),
            ]
            for (path, call) in paths {
                let error = await #expect(throws: PasswordHashError.self, "\(path)") { try await call() }
                #expect(error?.isOverloaded == true, "\(path): \(String(describing: error))")
            }
        }
    }

    /// The pool's threads run the lanes of a hash (not Dispatch's, which Swift's async tasks use on Linux); the tag
    /// is the one Dispatch's lanes give, with idle threads helping and without.
    @Test func lanesOnThePoolThreadsGiveTheSameTag() async throws {
        let parameters = Argon2Parameters(memoryKiB: 2048, iterations: 2, parallelism: 4)
        let salt = [UInt8](repeating: 7, count: 16)
        let expected = try Argon2.hash(password: Array("pw".utf8), salt: salt, parameters: parameters)
        for threads in [1, 2, 3] {
            let pool = HashingPool(threads: threads)
            let lanes = pool.lanes
            let tags = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await pool.run {
                            try Argon2.hash(password: Array("pw".utf8), salt: salt, parameters: parameters, lanes: lanes)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(tags.allSatisfy { $0 == expected }, "\(threads) thread(s)")
        }
    }

    /// A slice of a hash's lanes done on one of the pool's threads is progress: a hash that requests slow down is not
    /// a stalled pool, and the catch-up thread stays out of its way. Done on any other thread (the catch-up thread's
    /// own runs) it is not, so the catch-up thread's work cannot hide a pool whose threads get no CPU at all.
    @Test func slicesOnThePoolsThreadsAreProgressAndSlicesElsewhereAreNot() async throws {
        let pool = HashingPool(threads: 2, priority: .normal)
        let lanes = pool.lanes
        let (before, after) = try await pool.run {
            let before = pool.state.queue.withLock { $0.progress }
            usleep(2_000)
            lanes(2) { _ in }
            return (before, pool.state.queue.withLock { $0.progress })
        }
        #expect(after > before, "a slice on a pool thread moves the progress mark")

        // A one-lane hash shows its slices too: a slow one is not mistaken for a stall either.
        let oneLane = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)
        let (start, end) = try await pool.run {
            let start = pool.state.queue.withLock { $0.progress }
            usleep(2_000)
            _ = try Argon2.hash(password: [], salt: [UInt8](repeating: 1, count: 16), parameters: oneLane,
                                lanes: lanes)
            return (start, pool.state.queue.withLock { $0.progress })
        }
        #expect(end > start, "a one-lane hash's slices move the progress mark")

        let idle = HashingPool(threads: 2, priority: .normal)
        let created = idle.state.queue.withLock { $0.progress }
        usleep(2_000)
        idle.lanes(2) { _ in }  // on this thread, which is not the pool's
        idle.lanes(1) { _ in }
        #expect(idle.state.queue.withLock { $0.progress } == created, "a slice elsewhere does not")
    }

    #if os(Linux)
    /// Hashing gets the CPU only when nothing else wants it: a sign-in storm must not delay decisions.
    @Test func threadsRunAtIdlePriority() async throws {
        // No catch-up: on a busy machine the job could wait long enough for it, and run at normal priority.
        let policy = try await HashingPool(threads: 1, escalateAfter: nil).run { sched_getscheduler(0) }
        #expect(policy == 5, "SCHED_IDLE")
        let normal = try await HashingPool(threads: 1, priority: .normal).run { sched_getscheduler(0) }
        #expect(normal == 0, "SCHED_OTHER")
    }

    /// A hash whose run on the pool's thread makes no progress (as one starved at the lowest priority while other
    /// processes keep every core busy makes none; `SignInStarvationTests` starves one for real) is computed again by
    /// the catch-up thread, at normal policy, and the caller gets that run's result; the stalled run's is dropped.
    @Test func aStalledRunningHashIsRepeatedOnTheCatchUpThread() async throws {
        let pool = HashingPool(threads: 1, escalateAfter: .milliseconds(300))
        let parameters = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)
        let salt = [UInt8](repeating: 3, count: 16)
        let expected = try Argon2.hash(password: Array("pw".utf8), salt: salt, parameters: parameters)
        // The first run stalls until released. On a busy machine the pool's thread may not even take the job up
        // within the limit, and the catch-up thread moves it instead (no repeat to see): then it is tried again.
        for _ in 0..<10 {
            let runs = RunCounter()
            let firstRun = DispatchSemaphore(value: 0)
            let stall = DispatchSemaphore(value: 0)
            let firstThread = ThreadNote()
            let escalatedBefore = pool.escalations
            let answer = Task {
                try await pool.run(repeatable: true) {
                    if runs.count.add(1, ordering: .relaxed).newValue == 1 {
                        firstThread.name.withLock { $0 = Self.threadName() }
                        firstRun.signal()
                        stall.wait()
                    }
                    let tag = try Argon2.hash(password: Array("pw".utf8), salt: salt, parameters: parameters)
                    return (sched_getscheduler(0), Self.threadName(), tag)
                }
            }
            await Self.waitOffThread(firstRun)
            if firstThread.name.withLock({ $0 }) == "stepup-catch-up" {
                stall.signal()
                _ = try await answer.value
                continue
            }
            let (policy, thread, tag) = try await answer.value
            stall.signal()
            #expect(tag == expected)
            #expect(policy == 0 && thread == "stepup-catch-up", "the catch-up thread's run answered, at SCHED_OTHER")
            #expect(pool.escalations == escalatedBefore + 1)
            #expect(runs.count.load(ordering: .relaxed) == 2, "the stalled run was repeated once")
            return
        }
        Issue.record("the pool's thread never took a job up within 300 ms, ten times")
    }

    /// The calling thread's name as the kernel knows it.
    static func threadName() -> String {
        let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        return name.trimmingCharacters(in: .newlines)
    }

    /// Waits for `semaphore` without blocking a thread of Swift's executor.
    static func waitOffThread(_ semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                semaphore.wait()
                done.resume()
            }.start()
        }
    }

    /// A job still waiting in the queue is moved to the catch-up thread once overdue; a job whose work may not be
    /// repeated (`repeatable` not set) is never run twice, however long it runs.
    @Test func anOverdueQueuedJobMovesAndANonRepeatableJobRunsOnce() async throws {
        let pool = HashingPool(threads: 1, escalateAfter: .milliseconds(300))
        // Holds the pool's only thread. On a busy machine that thread may not even take the blocker up within the
        // limit, and the catch-up thread runs it instead: then it is released and queued again.
        var held: (gate: DispatchSemaphore, runs: RunCounter)?
        for _ in 0..<10 where held == nil {
            let gate = DispatchSemaphore(value: 0)
            let runs = RunCounter()
            let thread = await withCheckedContinuation { (running: CheckedContinuation<String, Never>) in
                Task {
                    try await pool.run {
                        if runs.count.add(1, ordering: .relaxed).newValue == 1 { running.resume(returning: Self.threadName()) }
                        gate.wait()
                    }
                }
            }
            if thread == "stepup-catch-up" { gate.signal() } else { held = (gate, runs) }
        }
        let blocker = try #require(held, "the pool's thread never took a job up within 300 ms, ten times")
        let escalatedBefore = pool.escalations
        // The only pool thread is held: the queued job can only run on the catch-up thread.
        let (name, policy) = try await pool.run { (Self.threadName(), sched_getscheduler(0)) }
        #expect(name == "stepup-catch-up")
        #expect(policy == 0, "SCHED_OTHER")
        #expect(pool.escalations == escalatedBefore + 1)
        try await Task.sleep(for: .milliseconds(700))  // the blocker is long overdue too
        #expect(blocker.runs.count.load(ordering: .relaxed) == 1, "a job not marked repeatable never runs twice")
        #expect(pool.escalations == escalatedBefore + 1)
        blocker.gate.signal()
    }

    #endif

    /// Runs `body` while a one-thread pool's thread is blocked and its single queue slot is taken, then
    /// releases both and checks they finish. No sleeps: a semaphore holds the thread until `body` is done.
    static func withFullPool(_ body: (HashingPool) async throws -> Void) async throws {
        // No catch-up thread: it would take the queued job up if `body` ran longer than its limit.
        let pool = HashingPool(threads: 1, maxQueued: 1, escalateAfter: nil)
        let gate = DispatchSemaphore(value: 0)
        var blocker: Task<Void, any Error>?
        // Resumed from the pool's thread, so the blocker is running (out of the queue) when this returns.
        await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
            blocker = Task { try await pool.run { started.resume(); gate.wait() } }
        }
        let queued = Task { try await pool.run { 1 } }
        var failure: (any Error)?
        do {
            for _ in 0..<10_000 where pool.waitingJobs < 1 { try await Task.sleep(for: .milliseconds(5)) }
            try #require(pool.waitingJobs == 1, "the queued job never reached the queue")
            try await body(pool)
        } catch {
            failure = error
        }
        gate.signal()  // on every path: a failed check must not leave the pool's thread blocked
        try await blocker?.value
        #expect(try await queued.value == 1, "the queued job still runs once the thread is free")
        if let failure { throw failure }
    }
}

/// How many times a job's work ran.
final class RunCounter: Sendable {
    let count = Atomic<Int>(0)
}

/// The catch-up thread's choice, with made-up clocks: it takes work up only from a stalled pool.
@Suite("HashingPool catch-up choice")
struct HashingPoolCatchUpChoiceTests {
    let start = ContinuousClock.now
    let limit = Duration.seconds(1)

    func job(queuedAt offset: Duration, repeatable: Bool = true) -> HashingPool.Job {
        HashingPool.Job(repeatable: repeatable, queued: start + offset) { { } }
    }

    func taken(_ next: HashingPool.CatchUp) -> HashingPool.Job? {
        if case .job(let job) = next { return job }
        return nil
    }

    @Test func aPoolThatKeepsFinishingJobsKeepsItsQueue() {
        var queue = HashingPool.State.Queue()
        queue.running = [job(queuedAt: .zero)]
        queue.jobs = (1...40).map { job(queuedAt: .milliseconds($0)) }
        queue.progress = start + .seconds(4.5)  // a job finished half a second ago
        if case .wait = queue.catchUp(now: start + .seconds(5), limit: limit) {} else { Issue.record("took work up") }
        #expect(queue.jobs.count == 40)
    }

    @Test func aStalledPoolHasItsOldestRunningJobRepeatedOnceThenItsQueuedJobsMoved() {
        var queue = HashingPool.State.Queue()
        let running = job(queuedAt: .zero)
        let notRepeatable = job(queuedAt: .zero, repeatable: false)
        let old = job(queuedAt: .milliseconds(100))
        let young = job(queuedAt: .milliseconds(1900))
        queue.running = [notRepeatable, running]
        queue.jobs = [old, young]
        queue.progress = start
        let now = start + .seconds(2)
        #expect(taken(queue.catchUp(now: now, limit: limit)) === running)
        #expect(taken(queue.catchUp(now: now, limit: limit)) === old, "a job is repeated at most once")
        #expect(queue.jobs.map(ObjectIdentifier.init) == [ObjectIdentifier(young)], "the moved job left the queue")
        if case .wait = queue.catchUp(now: now, limit: limit) {} else { Issue.record("took a job queued 0.1 s ago") }
        #expect(taken(queue.catchUp(now: now + .seconds(1), limit: limit)) === young)
    }

    @Test func anIdleOrStoppingPoolSleepsOrStops() {
        var queue = HashingPool.State.Queue()
        if case .sleep = queue.catchUp(now: start, limit: limit) {} else { Issue.record("an idle pool does not sleep") }
        queue.stopping = true
        queue.jobs = [job(queuedAt: .zero)]
        if case .stop = queue.catchUp(now: start, limit: limit) {} else { Issue.record("a stopping pool goes on") }
    }
}

/// Which thread a job's first run was on.
final class ThreadNote: Sendable {
    let name = Mutex("")
}
