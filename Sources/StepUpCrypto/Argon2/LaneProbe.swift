import Foundation
import Synchronization

/// Records which threads ran Argon2 lanes, while a test has it switched on; otherwise one relaxed load per segment.
/// Lets a test show that lanes really run in parallel without timing anything.
enum LaneProbe {
    private static let enabled = Atomic<Bool>(false)
    private static let threads = Mutex<Set<UInt>>([])

    static func note() {
        guard enabled.load(ordering: .relaxed) else { return }
        #if os(Linux)
        let id = UInt(pthread_self())
        #else
        let id = UInt(bitPattern: pthread_self())
        #endif
        threads.withLock { _ = $0.insert(id) }
    }

    /// Runs `body` with the probe on and returns how many distinct threads ran lanes.
    static func distinctThreads(during body: () throws -> Void) rethrows -> Int {
        threads.withLock { $0.removeAll() }
        enabled.store(true, ordering: .relaxed)
        defer { enabled.store(false, ordering: .relaxed) }
        try body()
        return threads.withLock { $0.count }
    }
}
