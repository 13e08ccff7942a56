import Dispatch
import Foundation
import StepUpArgon2
import Synchronization

extension HashingPool {
    /// Resumes the callers of finished jobs from a thread at normal priority.
    ///
    /// Resuming a continuation queues the caller's task on Swift's executor, and Dispatch may start a worker
    /// thread for it right there; a thread inherits its creator's scheduling policy, so one started from a hashing
    /// thread would run requests at the hashing threads' low priority.
    final class Completions: Sendable {
        private let pending = Mutex<(resumes: [@Sendable () -> Void], stopping: Bool)>(([], false))
        private let available = DispatchSemaphore(value: 0)

        /// Starts the thread; call it from a thread at normal priority (the pool's creator).
        init() {
            let thread = Thread { [self] in serve() }
            thread.start()
        }

        private func serve() {
            nameCurrentThread("stepup-hash-done")
            while true {
                // Waiting long enough means hashing has paused: give kept block matrices back from here, a thread
                // at normal priority (unmapping holds the memory-map lock; see Argon2Memory).
                while available.wait(timeout: .now() + Self.trimInterval) == .timedOut {
                    Argon2MemoryReserve.trim(unusedFor: HashingPool.keepMemoryFor)
                }
                let (resumes, stopping) = pending.withLock { state in
                    defer { state.resumes = [] }
                    return (state.resumes, state.stopping)
                }
                for resume in resumes { resume() }
                Argon2MemoryReserve.trim(unusedFor: HashingPool.keepMemoryFor)
                if stopping { return }
            }
        }

        /// How often an idle completion thread looks for block matrices to give back.
        static let trimInterval = DispatchTimeInterval.seconds(1)

        func post(_ resume: @escaping @Sendable () -> Void) {
            pending.withLock { $0.resumes.append(resume) }
            available.signal()
        }

        /// Ends the thread once the resumes posted so far have run.
        func stop() {
            pending.withLock { $0.stopping = true }
            available.signal()
        }
    }
}
