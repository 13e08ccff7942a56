import Dispatch
import Foundation
import Synchronization

extension HashingPool {
    /// Runs the lanes of a hash on this pool's threads: the calling thread takes lanes one after the other, and
    /// idle pool threads join in. With every thread busy hashing (a sign-in storm), each hash runs its own lanes.
    ///
    /// A slice done on one of the pool's own threads is progress (see "No starvation" in ``HashingPool``): a hash
    /// slowed down by requests is not a stalled one. On the catch-up thread it is not: that thread's work must not
    /// hide a pool whose threads get no CPU at all.
    var lanes: Argon2LaneRunner {
        { [state, threadCount] count, body in
            defer { if PoolThread.isCurrent { state.queue.withLock { $0.progress = .now } } }
            guard count > 1, threadCount > 1 else {
                for lane in 0..<count { body(lane) }
                return
            }
            withoutActuallyEscaping(body) { body in
                let batch = LaneBatch(count: count, body: body)
                let helpers = state.queue.withLock { queue in
                    let helpers = min(queue.idle, count - 1)
                    queue.help.append(contentsOf: repeatElement(batch, count: helpers))
                    return helpers
                }
                for _ in 0..<helpers { state.available.signal() }
                batch.work()
                batch.waitAndRelease()
            }
        }
    }
}

/// The lanes of one slice, shared by the thread hashing and the pool threads that help it.
///
/// `@unchecked Sendable`: `body` is written at creation and cleared by the hashing thread only after every lane has
/// finished; a helper reads it only after claiming a lane, so a helper arriving late never touches it.
final class LaneBatch: @unchecked Sendable {
    private let count: Int
    private var body: ((Int) -> Void)?
    private let next = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let done = DispatchSemaphore(value: 0)

    init(count: Int, body: @escaping (Int) -> Void) {
        self.count = count
        self.body = body
    }

    /// Claims and runs lanes until none is left; the thread finishing the last lane wakes the hashing thread.
    func work() {
        var ran = 0
        while true {
            let lane = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard lane < count else { break }
            body?(lane)
            ran += 1
        }
        if ran > 0, finished.add(ran, ordering: .acquiringAndReleasing).newValue == count {
            done.signal()
        }
    }

    /// Waits until every lane has finished, then drops `body` (it must not outlive the slice).
    func waitAndRelease() {
        done.wait()
        body = nil
    }
}

/// Marks the pool's own threads, so that progress they make can be told from the catch-up thread's.
enum PoolThread {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func markCurrent() { pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1)) }
    static var isCurrent: Bool { pthread_getspecific(key) != nil }
}
