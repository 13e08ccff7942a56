import Synchronization

/// A committer's test seams, read on every commit: behind a lock only once a test has set one, so the hot path
/// pays one atomic load instead of a lock both event loops and the writer contend for.
final class TestSeams<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    private let touched = Atomic<Bool>(false)

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    /// Changes the seams (tests).
    func withLock<Result: Sendable>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        touched.store(true, ordering: .releasing)
        return try value.withLock { value in try body(&value) }
    }

    /// The seams, or `nil` when no test ever set any.
    var current: Value? {
        touched.load(ordering: .acquiring) ? value.withLock { $0 } : nil
    }
}
