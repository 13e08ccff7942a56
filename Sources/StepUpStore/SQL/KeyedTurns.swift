import Synchronization

/// One turn at a time per key, waited for in memory: callers of one key run one after another, callers of
/// different keys side by side.
///
/// Why: on PostgreSQL a budget spend holds its key's advisory lock inside a transaction, so concurrent spends
/// of one key wait in the database — each on a pooled connection. Fifty simultaneous sign-ins of one user held
/// every connection of the pool while they queued, and every other request (decisions included) waited for a
/// connection behind them for up to seconds. Queued here first, one instance's spends of a key use one
/// connection at a time; the advisory lock still orders spends across instances.
final class KeyedTurns: Sendable {
    private let waiting = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    /// Runs `body` once every earlier caller of `key` has finished (in arrival order).
    func run<T>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let free = waiting.withLock { waiting -> Bool in
                guard waiting[key] != nil else {
                    waiting[key] = []
                    return true
                }
                waiting[key]?.append(turn)
                return false
            }
            if free { turn.resume() }
        }
        defer { handOver(key) }
        return try await body()
    }

    /// Gives `key`'s turn to the next caller, or frees it.
    private func handOver(_ key: String) {
        let next = waiting.withLock { waiting -> CheckedContinuation<Void, Never>? in
            guard var queue = waiting[key], !queue.isEmpty else {
                waiting[key] = nil
                return nil
            }
            let next = queue.removeFirst()
            waiting[key] = queue
            return next
        }
        next?.resume()
    }

    /// Keys with a turn taken (for tests: none once every caller finished).
    var busyKeys: Int { waiting.withLock { $0.count } }

    /// Callers queued behind `key`'s current turn (for tests).
    func queued(_ key: String) -> Int { waiting.withLock { $0[key]?.count ?? 0 } }
}
