import Foundation
import Synchronization
import Testing

/// For suites that compute for seconds (fuzzing, differential runs over large tables) or wait for other programs
/// synchronously (python3, argon2, zbarimg): such a suite waits for one of ``SuiteSlots/cpu`` slots (one per core)
/// before its first test, and each of its tests runs on a thread of its own instead of on one of Swift's
/// cooperative threads.
///
/// Swift Testing starts every test at once, and the cooperative pool has one thread per core. On a 2-core CI machine
/// a few such tests took both threads for over a minute. Every async test already started, its time limit counting,
/// waited for them, and a test of a few milliseconds failed at its 2-minute limit. On threads of their own they leave
/// the cooperative threads free; in slots, a dozen of them no longer share two cores at once. The wait for a slot
/// happens before the suite's tests start, so it does not count against their time limits.
///
/// The test runs in its own task (through a task-executor preference), so `#expect`, `Test.current` and the other
/// task-locals work as they do anywhere.
public struct OwnThreadTrait: TestTrait, SuiteTrait, TestScoping {
    /// Also on the suite's tests (each case on its own thread); the suite itself takes the slot.
    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> OwnThreadTrait? {
        test.isSuite || testCase != nil ? self : nil
    }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        if test.isSuite {
            try await SuiteSlots.cpu.withSlot(function)
        } else {
            try await onOwnThread(function)
        }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// A CPU slot for the suite, a thread of its own for each test: see ``OwnThreadTrait``.
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
