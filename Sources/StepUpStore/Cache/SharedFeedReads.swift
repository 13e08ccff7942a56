import NIOCore
import NIOPosix
import Synchronization

/// Lets concurrent requests share reads of the change feed, without ever trusting a read that started before
/// they arrived.
///
/// A request that finds no read running starts one. Requests that arrive while a read runs wait for it to end and
/// then share the *next* read: it starts after every one of them arrived, so it sees every change acknowledged
/// before any of them arrived — the guarantee a read of its own would give. Under load the database sees about one
/// feed read per read's duration instead of one per request (on PostgreSQL, one round trip each).
///
/// The turn from one read to the next happens in the read's completion, on the event loop of the connection that
/// read, before anyone waiting is resumed: the next read is on its way one round trip after the last, instead of
/// after the request that would start it got its turn on a busy event loop (on PostgreSQL that wait was most of
/// the feed's cycle, and cores stood idle while requests queued for reads). The feed's own connection runs on an
/// event loop of its own (``eventLoop``) for the same reason: its answers are read at once. Each waiting request
/// is resumed on the event loop it waited on, so it goes on where it was rather than wherever the read finished.
final class SharedFeedReads: Sendable {
    /// A request waiting for a read, and the event loop it waits on (resumed there, so it goes on where it was).
    private struct Waiter: Sendable {
        let continuation: CheckedContinuation<Void, any Error>
        let loop: (any EventLoop)?

        func resume(with result: Result<Void, any Error>) {
            if let loop, !loop.inEventLoop {
                loop.execute { continuation.resume(with: result) }
            } else {
                continuation.resume(with: result)
            }
        }
    }

    private struct State {
        var reading = false
        /// Waiting for the read that runs now: all of them arrived before it started.
        var current: [Waiter] = []
        /// Arrived while a read ran: the next read serves them.
        var next: [Waiter] = []
    }

    private let state = Mutex(State())

    /// The event loop for a feed's own connection: one thread, shared by every store of the process, that does
    /// little but read the feed's answers and start the next read.
    static var eventLoop: any EventLoop { group.next() }
    private static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// Returns once a read that started after this call has been applied (its error, if it failed).
    ///
    /// `read` starts one read and applies it; its future completes once it has. Whichever caller's `read` starts
    /// a read serves everyone waiting for it, so every caller's `read` must do the same.
    func run(_ read: @escaping @Sendable () -> EventLoopFuture<Void>) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let waiter = Waiter(continuation: continuation, loop: MultiThreadedEventLoopGroup.currentEventLoop)
            let starts = state.withLock { state in
                if state.reading {
                    state.next.append(waiter)
                    return false
                }
                state.reading = true
                state.current = [waiter]
                return true
            }
            if starts { cycle(read) }
        }
    }

    private func cycle(_ read: @escaping @Sendable () -> EventLoopFuture<Void>) {
        let future = read()
        let started = Started()
        future.whenComplete { result in
            let (served, again) = self.state.withLock { state -> ([Waiter], Bool) in
                let served = state.current
                state.current = state.next
                state.next = []
                if state.current.isEmpty { state.reading = false }
                return (served, state.reading)
            }
            // The next read goes out before anyone is resumed; from the loop's queue when this read completed
            // at once, in `whenComplete` itself (a database that is down fails reads that way), so such reads
            // never nest however many requests keep arriving.
            if again, started.returned.load(ordering: .acquiring) {
                self.cycle(read)
            } else if again {
                future.eventLoop.execute { self.cycle(read) }
            }
            for waiter in served { waiter.resume(with: result) }
        }
        started.returned.store(true, ordering: .releasing)
    }

    /// Whether ``cycle(_:)`` got past `whenComplete` (its read did not complete in that call).
    private final class Started: Sendable {
        let returned = Atomic(false)
    }
}
