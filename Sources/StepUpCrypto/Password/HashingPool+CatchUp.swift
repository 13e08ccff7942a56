import Dispatch
import Foundation
import Synchronization

extension HashingPool {
    /// One piece of work for the pool: run once, or — when repeatable — at most twice, the first run to finish
    /// delivering its result.
    final class Job: Sendable {
        let queued: ContinuousClock.Instant
        let repeatable: Bool
        /// Whether the catch-up thread has taken it up (it repeats a job at most once).
        let escalated = Atomic<Bool>(false)
        /// Computes the result and returns how to deliver it.
        private let compute: @Sendable () -> @Sendable () -> Void
        private let delivered = Atomic<Bool>(false)

        init(repeatable: Bool, queued: ContinuousClock.Instant = .now,
             compute: @escaping @Sendable () -> @Sendable () -> Void) {
            self.repeatable = repeatable
            self.queued = queued
            self.compute = compute
        }

        var isDelivered: Bool { delivered.load(ordering: .acquiring) }

        /// Computes and delivers, unless another run already delivered (before this one started or while it ran).
        func run() {
            guard !isDelivered else { return }
            let deliver = compute()
            if delivered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
                deliver()
            }
        }
    }

    /// The catch-up thread's nice value: it competes with requests, but as a tenth of a request thread (the kernel
    /// weighs nice 10 at 110 against nice 0's 1024), so a storm of sign-ins costs decisions a few percent of one
    /// core; against busy neighbours it gets enough to finish a default hash within seconds (measured: 78 s at the
    /// lowest priority, with two busy processes per core).
    static let catchUpNice: Int32 = 4

    enum CatchUp {
        case job(HashingPool.Job)
        /// Jobs are outstanding, none to take up yet: look again shortly.
        case wait
        /// Nothing outstanding: sleep until work arrives.
        case sleep
        case stop
    }

    /// Starts the catch-up thread (see "No starvation" in ``HashingPool``), at normal priority: call it from a thread
    /// at normal priority (the pool's creator), which the new thread inherits.
    static func startCatchUpThread(_ state: State, after limit: Duration) {
        // Looks for overdue jobs four times per limit while any are outstanding.
        let poll = DispatchTimeInterval.milliseconds(max(10, Int(limit / .milliseconds(4))))
        let thread = Thread {
            nameCurrentThread("stepup-catch-up")
            HashingPool.Priority.normal.applyToCurrentThread()
            #if os(Linux)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, catchUpNice)  // this thread only
            #endif
            while true {
                let next = state.queue.withLock { $0.catchUp(now: .now, limit: limit) }
                switch next {
                case .job(let job):
                    state.escalations.add(1, ordering: .relaxed)
                    job.run()
                case .wait: _ = state.catchUp.wait(timeout: .now() + poll)
                case .sleep: state.catchUp.wait()
                case .stop: return
                }
            }
        }
        thread.start()
    }
}

/// Names the calling thread for `top -H`, `perf` and `/proc` (Linux keeps at most 15 bytes).
///
/// Written to `/proc/thread-self/comm` on Linux: Foundation's `Thread.current.name` setter, called first thing in a
/// new thread, sometimes left the kernel's name the creator's (seen in about one of ten test runs).
func nameCurrentThread(_ name: String) {
    #if os(Linux)
    let descriptor = open("/proc/thread-self/comm", O_WRONLY)
    if descriptor >= 0 {
        let bytes = Array(name.utf8.prefix(15))
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if written == bytes.count { return }
    }
    #endif
    Thread.current.name = name
}
