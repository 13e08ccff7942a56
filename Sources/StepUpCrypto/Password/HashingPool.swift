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
            case job(@Sendable () -> Void)
            case help(LaneBatch)
        }

        struct Queue {
            /// Lanes of running hashes that idle threads may take: before new jobs, so a started hash finishes first.
            var help: [LaneBatch] = []
            var jobs: [@Sendable () -> Void] = []
            /// Threads waiting for work.
            var idle = 0
            var stopping = false

            mutating func next() -> Work? {
                if !help.isEmpty { return .help(help.removeFirst()) }
                if !jobs.isEmpty { return .job(jobs.removeFirst()) }
                return nil
            }
        }

        let queue = Mutex(Queue())
        /// One signal per entry in `help` or `jobs`, plus one per thread when stopping.
        let available = DispatchSemaphore(value: 0)
        let completions = Completions()
    }

    let state = State()
    /// How long a finished hash's block matrix stays mapped for the next one before it goes back to the kernel:
    /// a burst of sign-ins reuses matrices, an idle server holds none (see `Argon2Memory`).
    public static let keepMemoryFor = Duration.seconds(3)
    public let threadCount: Int
    public let maxQueued: Int

    /// - Parameters:
    ///   - threads: concurrent hashes (each Argon2 hash may use more cores for its lanes).
    ///   - maxQueued: waiting jobs accepted before refusing new ones.
    ///   - priority: how the threads compete for the CPU with request handling.
    public init(threads: Int = 2, maxQueued: Int = 256, priority: Priority = .background) {
        threadCount = max(1, threads)
        self.maxQueued = max(1, maxQueued)
        for index in 0..<threadCount {
            let state = self.state
            let thread = Thread {
                Thread.current.name = "stepup-hash-\(index)"  // named here: a name set before start is lost on Linux
                priority.applyToCurrentThread()
                while true {
                    state.queue.withLock { $0.idle += 1 }
                    state.available.wait()
                    let work = state.queue.withLock { queue -> State.Work? in
                        queue.idle -= 1
                        return queue.next()
                    }
                    switch work {
                    case .job(let job): job()
                    case .help(let batch): batch.work()
                    case nil: return
                    }
                }
            }
            thread.start()
        }
    }

    deinit {
        state.queue.withLock { $0.stopping = true }
        for _ in 0..<threadCount { state.available.signal() }
        state.completions.stop()
    }

    /// Jobs accepted but not yet started (lets a test fill the queue without timing anything).
    var waitingJobs: Int { state.queue.withLock { $0.jobs.count } }

    /// Runs `work` on one of the pool's threads and returns its result.
    /// - Throws: ``PasswordHashError/overloaded(_:)`` at once when `maxQueued` jobs are already waiting,
    ///   otherwise whatever `work` throws.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = state.queue.withLock { queue -> Bool in
                guard queue.jobs.count < maxQueued, !queue.stopping else { return false }
                queue.jobs.append { [state] in
                    let result = Result { try work() }
                    state.completions.post { continuation.resume(with: result) }
                }
                return true
            }
            if accepted {
                state.available.signal()
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
        guard self == .background else { return }
        var parameter = sched_param(sched_priority: 0)
        let schedIdle: Int32 = 5  // SCHED_IDLE, which Glibc's module map leaves out (it needs _GNU_SOURCE)
        if sched_setscheduler(0, schedIdle, &parameter) != 0 {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)  // the lowest nice value instead
        }
        #endif
    }
}
