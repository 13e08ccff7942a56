import Foundation
import Synchronization

/// Records which threads ran Argon2 lanes for one watched caller; otherwise one relaxed load per hash.
/// Lets a test show that lanes really run in parallel without timing anything.
///
/// Only hashes started on the watching thread are recorded: tests run concurrently, and another test's
/// four-lane hash must not count towards a one-lane hash being watched.
package enum LaneProbe {
    /// The thread inside ``distinctThreads(during:)``, or 0 when nobody is watching.
    private static let watcher = Atomic<UInt>(0)
    private static let threads = Mutex<Set<UInt>>([])

    /// True when the current thread is being watched; checked once per hash, on the thread that started it.
    static func isWatchingCurrentThread() -> Bool {
        let watcher = watcher.load(ordering: .relaxed)
        return watcher != 0 && watcher == currentThread()
    }

    /// Records that the current thread ran a lane.
    static func note() {
        let id = currentThread()
        threads.withLock { _ = $0.insert(id) }
    }

    /// Runs `body` with the probe on for this thread and returns how many distinct threads ran lanes of the
    /// hashes `body` computed on it.
    package static func distinctThreads(during body: () throws -> Void) rethrows -> Int {
        threads.withLock { $0.removeAll() }
        watcher.store(currentThread(), ordering: .relaxed)
        defer { watcher.store(0, ordering: .relaxed) }
        try body()
        return threads.withLock { $0.count }
    }

    private static func currentThread() -> UInt {
        #if os(Linux)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }
}
