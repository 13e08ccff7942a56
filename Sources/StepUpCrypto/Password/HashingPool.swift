import Dispatch
import Foundation
import Synchronization

/// A fixed set of dedicated, low-priority threads for slow hashing, with an async front door.
///
/// Argon2 blocks its thread for ~100 ms; running it on the Swift cooperative pool or a NIO event loop
/// would stall unrelated requests during a burst of logins. Here at most `threads` hashes run at once,
/// callers wait asynchronously, and past `maxQueued` waiting jobs new work is refused with
/// ``PasswordHashError/overloaded(_:)`` instead of piling up memory.
///
/// The lanes of a hash run on these threads too (``lanes``: idle ones help, busy ones don't): Dispatch's
/// `concurrentPerform` would put them on the threads that run Swift's async tasks on Linux, where a request waits
/// behind a lane segment. And the threads run at the lowest CPU priority (``Priority/background``): a request that
/// wakes up gets a core at once, and hashing gets what requests leave. Callers are resumed from a thread at normal
/// priority (see ``Completions``).
///
/// **No starvation.** At the lowest priority a hash gets next to nothing while other processes keep the cores busy
/// (measured: with two busy processes per core, a `SCHED_IDLE` thread did not finish 0.4 s of work in two minutes),
/// so a sign-in could wait minutes (measured: 78 s for one sign-in). When the pool's threads have finished nothing
/// for ``escalateAfter`` while work waits, its catch-up thread — at normal policy, nice 4 — takes up jobs queued at
/// least that long ago: a queued job moves there, and a job still running on a stalled thread is run there a second
/// time when its work can be repeated (hashes can: the caller gets whichever run finishes first; see
/// ``run(repeatable:_:)``). The same sign-in then took 6 s. A sign-in storm on a machine with cores to spare does not
/// wake it: the pool's threads keep finishing jobs and slices of hashes (a default hash, slower than a second while
/// requests take most of the cores, shows progress twelve times), so decisions keep the CPU (see
/// `HashingPool.State.Queue.catchUp`).
/// One catch-up thread, so however many sign-ins wait, hashing takes at most one core's share from requests.
public final class HashingPool: Sendable {
    /// How the pool's threads compete for the CPU with the rest of the process.
    public enum Priority: Sendable {
        /// Linux `SCHED_IDLE`: they run only when no other thread of the machine wants the core.
        case background
        /// The scheduler's default, as every other thread.
        case normal
    }

    final class State: Sendable {
        enum Work {
            case job(Job)
            case help(LaneBatch)
            /// The catch-up thread took the job this signal was for.
            case nothing
            case stop
        }

        struct Queue {
            /// Lanes of running hashes that idle threads may take: before new jobs, so a started hash finishes first.
            var help: [LaneBatch] = []
            var jobs: [Job] = []
            /// Jobs running on the pool's threads, oldest first (the catch-up thread may repeat them).
            var running: [Job] = []
            /// Threads waiting for work.
            var idle = 0
            var stopping = false
            /// When the pool's threads last showed progress: finished a job or a slice of a hash's lanes, or found
            /// the pool idle and started one.
            var progress = ContinuousClock.now

            mutating func next() -> Work {
                if !help.isEmpty { return .help(help.removeFirst()) }
                if !jobs.isEmpty {
                    let job = jobs.removeFirst()
                    running.append(job)
                    return .job(job)
                }
                return stopping ? .stop : .nothing
            }

            mutating func finished(_ job: Job) {
                running.removeAll { $0 === job }
                progress = .now
            }

            /// What the catch-up thread does next. It takes a job up only while the pool's threads are stalled — they
            /// have finished nothing for `limit` — and only a job queued at least `limit` ago: a sign-in storm on a
            /// machine with cores to spare keeps the threads finishing jobs, and its long queue stays theirs.
            /// Taken up first is the oldest job still running on a stalled thread, if its work may be repeated; then
            /// the oldest queued job, which moves.
            mutating func catchUp(now: ContinuousClock.Instant, limit: Duration) -> HashingPool.CatchUp {
                if stopping { return .stop }
                if jobs.isEmpty && running.isEmpty { return .sleep }
                let due = now - limit
                guard progress <= due else { return .wait }
                if let job = running.first(where: { $0.repeatable && $0.queued <= due && !$0.isDelivered
                    && !$0.escalated.load(ordering: .relaxed) })
                {
                    job.escalated.store(true, ordering: .relaxed)
                    return .job(job)
                }
                if let job = jobs.first, job.queued <= due {
                    jobs.removeFirst()
                    return .job(job)
                }
                return .wait
            }
        }

        let queue = Mutex(Queue())
        /// One signal per entry in `help` or `jobs`, plus one per thread when stopping.
        let available = DispatchSemaphore(value: 0)
        /// Wakes the catch-up thread: work arrived at an idle pool, or the pool is stopping.
        let catchUp = DispatchSemaphore(value: 0)
        let completions = Completions()
        /// Jobs the catch-up thread has taken up so far.
        let escalations = Atomic<Int>(0)
    }

    let state = State()
    /// How long a finished hash's block matrix stays mapped for the next one before it goes back to the kernel:
    /// a burst of sign-ins reuses matrices, an idle server holds none (see `Argon2Memory`).
    public static let keepMemoryFor = Duration.seconds(3)
    public let threadCount: Int
    /// How the pool's threads compete for the CPU (its catch-up thread aside).
    public let priority: Priority
    public let maxQueued: Int
    /// How long a job may wait, from being queued, before the catch-up thread takes it up (nil: never; only pools
    /// at ``Priority/background`` have the thread).
    public let escalateAfter: Duration?

    /// - Parameters:
    ///   - threads: concurrent hashes (each Argon2 hash may use more cores for its lanes).
    ///   - maxQueued: waiting jobs accepted before refusing new ones.
    ///   - priority: how the threads compete for the CPU with request handling.
    ///   - escalateAfter: see ``escalateAfter``.
    public init(threads: Int = 2, maxQueued: Int = 256, priority: Priority = .background,
                escalateAfter: Duration? = .seconds(1)) {
        threadCount = max(1, threads)
        self.maxQueued = max(1, maxQueued)
        self.priority = priority
        self.escalateAfter = priority == .background ? escalateAfter : nil
        if let limit = self.escalateAfter { Self.startCatchUpThread(state, after: limit) }
        for index in 0..<threadCount {
            let state = self.state
            let thread = Thread {
                nameCurrentThread("stepup-hash-\(index)")  // named here: a name set before start is lost on Linux
                priority.applyToCurrentThread()
                PoolThread.markCurrent()
                while true {
                    state.queue.withLock { $0.idle += 1 }
                    state.available.wait()
                    let work = state.queue.withLock { queue -> State.Work in
                        queue.idle -= 1
                        return queue.next()
                    }
                    switch work {
                    case .job(let job):
                        job.run()
                        state.queue.withLock { $0.finished(job) }
                    case .help(let batch): batch.work()
                    case .nothing: continue
                    case .stop: return
                    }
                }
            }
            thread.start()
        }
    }

    deinit {
        state.queue.withLock { $0.stopping = true }
        for _ in 0..<threadCount { state.available.signal() }
        state.catchUp.signal()
        state.completions.stop()
    }

    /// Jobs accepted but not yet started (lets a test fill the queue without timing anything).
    var waitingJobs: Int { state.queue.withLock { $0.jobs.count } }

    /// Jobs the catch-up thread has taken up so far (see "No starvation" above).
    public var escalations: Int { state.escalations.load(ordering: .relaxed) }

    /// Runs `work` on one of the pool's threads and returns its result.
    /// - Parameter repeatable: `work` has no effect but its result, and every run gives an equally good one (a
    ///   hash with a given salt): a run starved at the lowest priority may then be repeated at normal priority.
    /// - Throws: ``PasswordHashError/overloaded(_:)`` at once when `maxQueued` jobs are already waiting,
    ///   otherwise whatever `work` throws.
    public func run<T: Sendable>(repeatable: Bool = false, _ work: @escaping @Sendable () throws -> T) async throws
        -> T
    {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(repeatable: repeatable) { [state] in
                let result = Result { try work() }
                return { state.completions.post { continuation.resume(with: result) } }
            }
            // nil: refused; otherwise whether the pool was idle (the catch-up thread sleeps until woken).
            let wasIdle = state.queue.withLock { queue -> Bool? in
                guard queue.jobs.count < maxQueued, !queue.stopping else { return nil }
                queue.jobs.append(job)
                let wasIdle = queue.jobs.count == 1 && queue.running.isEmpty
                if wasIdle { queue.progress = .now }  // an idle pool is not a stalled one
                return wasIdle
            }
            if let wasIdle {
                state.available.signal()
                if wasIdle, escalateAfter != nil { state.catchUp.signal() }
            } else {
                continuation.resume(throwing: PasswordHashError.overloaded("\(maxQueued) hashes already waiting"))
            }
        }
    }
}

extension HashingPool.Priority {
    /// Applies to the calling thread only (on Linux scheduling policy and nice value are per thread).
    func applyToCurrentThread() {
        #if os(Linux)
        var parameter = sched_param(sched_priority: 0)
        guard self == .background else {
            // A thread inherits its creator's policy: undo a lowest priority inherited from a hashing thread (which
            // only a privileged process can; otherwise the thread keeps it).
            if sched_getscheduler(0) != 0 { _ = sched_setscheduler(0, 0, &parameter) }  // SCHED_OTHER
            return
        }
        let schedIdle: Int32 = 5  // SCHED_IDLE, which Glibc's module map leaves out (it needs _GNU_SOURCE)
        if sched_setscheduler(0, schedIdle, &parameter) != 0 {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)  // the lowest nice value instead
        }
        #endif
    }
}
