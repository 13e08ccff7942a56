import Synchronization

/// Lets concurrent requests share reads of the change feed, without ever trusting a read that started before
/// they arrived.
///
/// A request that finds no read running starts one and waits for nobody. Requests that arrive while a read runs
/// wait for it to end and then share the *next* read, which one of them runs for all: it starts after every one of
/// them arrived, so it sees every change acknowledged before any of them arrived — the guarantee a read of its
/// own would give. Under load the database sees about one feed read per read's duration instead of one per
/// request (on PostgreSQL, one round trip each).
final class SharedFeedReads: Sendable {
    private typealias Waiter = CheckedContinuation<Role, any Error>

    private enum Role: Sendable {
        /// Run the next read, for yourself and for `followers`.
        case read(followers: [Waiter])
        /// A read that started after you arrived has been applied.
        case done
    }

    private struct State {
        var reading = false
        var waiting: [Waiter] = []
    }

    private let state = Mutex(State())

    /// Returns once a run of `read` that started after this call has finished (its error, if it failed).
    func run(_ read: () async throws -> Void) async throws {
        let leads = state.withLock { state in
            if state.reading { return false }
            state.reading = true
            return true
        }
        var followers: [Waiter] = []
        if !leads {
            let role: Role = try await withCheckedThrowingContinuation { waiter in
                let leadsNow = state.withLock { state in
                    if state.reading {
                        state.waiting.append(waiter)
                        return false
                    }
                    state.reading = true
                    return true
                }
                if leadsNow { waiter.resume(returning: .read(followers: [])) }
            }
            guard case .read(let those) = role else { return }
            followers = those
        }
        let result: Result<Void, any Error>
        do {
            try await read()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        for follower in followers { follower.resume(with: result.map { Role.done }) }
        // Those who arrived while this read ran share the next one; the first of them runs it.
        let next: [Waiter] = state.withLock { state in
            let next = state.waiting
            state.waiting = []
            if next.isEmpty { state.reading = false }
            return next
        }
        if let first = next.first { first.resume(returning: .read(followers: Array(next.dropFirst()))) }
        try result.get()
    }
}
