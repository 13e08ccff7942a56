import Dispatch
import Foundation
import Synchronization

/// A fixed set of dedicated threads for slow hashing, with an async front door.
///
/// Argon2 blocks its thread for ~100 ms; running it on the Swift cooperative pool or a NIO event loop
/// would stall unrelated requests during a burst of logins. Here at most `threads` hashes run at once,
/// callers wait asynchronously, and past `maxQueued` waiting jobs new work is refused with
/// ``PasswordHashError/overloaded(_:)`` instead of piling up memory.
public final class HashingPool: Sendable {
    private final class State: Sendable {
        struct Queue {
            var jobs: [@Sendable () -> Void] = []
            var stopping = false
        }

        let queue = Mutex(Queue())
        let available = DispatchSemaphore(value: 0)
    }

    private let state = State()
    public let threadCount: Int
    public let maxQueued: Int

    /// - Parameters:
    ///   - threads: concurrent hashes (each Argon2 hash may use more cores for its lanes).
    ///   - maxQueued: waiting jobs accepted before refusing new ones.
    public init(threads: Int = 2, maxQueued: Int = 256) {
        threadCount = max(1, threads)
        self.maxQueued = max(1, maxQueued)
        for index in 0..<threadCount {
            let state = self.state
            let thread = Thread {
                while true {
                    state.available.wait()
                    let job: (@Sendable () -> Void)? = state.queue.withLock { queue in
                        queue.jobs.isEmpty ? nil : queue.jobs.removeFirst()
                    }
                    guard let job else { return }
                    job()
                }
            }
            thread.name = "stepup-hash-\(index)"
            thread.start()
        }
    }

    deinit {
        state.queue.withLock { $0.stopping = true }
        for _ in 0..<threadCount { state.available.signal() }
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
                queue.jobs.append { continuation.resume(with: Result { try work() }) }
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
