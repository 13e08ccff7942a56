import Foundation
import Synchronization

/// Records which threads ran Argon2 lanes for one watched caller; otherwise one relaxed load per hash.
/// Lets a test show that lanes really run in parallel without timing anything.
///
/// Only hashes started on the watching thread are recorded: tests run concurrently, and another test's
/// four-lane hash must not count towards a one-lane hash being watched.
package enum LaneProbe {
    /// The thread inside ``observe(_:)``, or 0 when nobody is watching.
    private static let watcher = Atomic<UInt>(0)
    private static let threads = Mutex<(ids: Set<UInt>, dispatched: Int)>(([], 0))

    /// True when the current thread is being watched; checked once per hash, on the thread that started it.
    static func isWatchingCurrentThread() -> Bool {
        let watcher = watcher.load(ordering: .relaxed)
        return watcher != 0 && watcher == currentThread()
    }

    /// Records that the current thread ran a lane segment handed out by `concurrentPerform`.
    static func note() {
        let id = currentThread()
        threads.withLock {
            _ = $0.ids.insert(id)
            $0.dispatched += 1
        }
    }

    /// The distinct threads that ran lane segments of the hashes `body` computed on this thread, and how many
    /// segments were handed out for parallel execution.
    package static func observe(_ body: () throws -> Void) rethrows -> (threads: Int, dispatched: Int) {
        threads.withLock { $0 = ([], 0) }
        watcher.store(currentThread(), ordering: .relaxed)
        defer { watcher.store(0, ordering: .relaxed) }
        try body()
        return threads.withLock { ($0.ids.count, $0.dispatched) }
    }

    private static func currentThread() -> UInt {
        #if os(Linux)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }
}
