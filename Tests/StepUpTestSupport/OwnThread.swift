import Foundation
import Synchronization
import Testing

/// Runs each test of a suite (or one test) on a thread of its own instead of on one of Swift's cooperative threads:
/// for tests that compute for seconds (fuzzing, differential runs over large tables) or wait for other programs
/// synchronously (python3, argon2, zbarimg).
///
/// Swift Testing starts every test at once, and the cooperative pool has one thread per core. On a 2-core CI machine
/// a few such tests took both threads for over a minute. Every async test already started, its time limit counting,
/// waited for them, and a test of a few milliseconds failed at its 2-minute limit. On threads of their own they share
/// the cores with everything else through the kernel's scheduler, and the cooperative threads stay free.
///
/// The test runs in its own task (through a task-executor preference), so `#expect`, `Test.current` and the other
/// task-locals work as they do anywhere.
public struct OwnThreadTrait: TestTrait, SuiteTrait, TestScoping {
    /// Each test case gets its own thread; a suite's tests do not share one.
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        try await onOwnThread(function)
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Runs each test on a thread of its own: see ``OwnThreadTrait``.
    public static var ownThread: Self { OwnThreadTrait() }
}

/// Runs `body` in the calling task, on a thread of its own (see ``OwnThreadTrait``).
public func onOwnThread<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
    let executor = DedicatedThreadExecutor()
    defer { executor.shutdown() }
    return try await withTaskExecutorPreference(executor) { try await body() }
}

/// A task executor with one thread of its own.
public final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let jobs = Mutex<(queue: [UnownedJob], closed: Bool)>(([], false))
    private let available = DispatchSemaphore(value: 0)

    public init() {
        let thread = Thread { [self] in run() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.queue.append(job) }
        available.signal()
    }

    /// Lets the thread finish once the jobs queued so far have run.
    public func shutdown() {
        jobs.withLock { $0.closed = true }
        available.signal()
    }

    /// Runs jobs in order until shut down: one signal per job, plus one for the shutdown.
    private func run() {
        while true {
            available.wait()
            let (job, closed) = jobs.withLock { jobs in
                (jobs.queue.isEmpty ? nil : jobs.queue.removeFirst(), jobs.closed)
            }
            if let job {
                job.runSynchronously(on: asUnownedTaskExecutor())
            } else if closed {
                return
            }
        }
    }
}
