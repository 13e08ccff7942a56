import NIOCore
import NIOPosix
import StepUpCore

/// A request waiting for the transaction that holds its unit of work, with the event loop its task waited on.
///
/// When Swift's tasks run on the event loops (`stepup serve`), a task resumed from another thread — the SQLite
/// writer's — is queued on whichever loop the runtime picks, and its answer then passes from there to its
/// connection's loop: one more hand-off per request, and contention on both loops' queues. Resumed on the loop it
/// waited on, it continues where its connection is. A batch's requests are resumed with one hand-off per loop.
struct WaitingCommit: Sendable {
    typealias Answer = Result<[AuditEvent], any Error>

    var unit: PreparedUnit
    /// `nil` when the task did not wait on an event loop (Swift's own thread pool): it is resumed directly.
    var loop: (any EventLoop)?
    /// Resumes the waiting task with its unit's answer.
    var resume: @Sendable (Answer) -> Void

    init(unit: PreparedUnit, loop: (any EventLoop)?, resume: @escaping @Sendable (Answer) -> Void) {
        self.unit = unit
        self.loop = loop
        self.resume = resume
    }

    /// The request whose task is the current one (its loop is the current thread's).
    init(unit: PreparedUnit, continuation: CheckedContinuation<[AuditEvent], any Error>) {
        self.init(unit: unit, loop: MultiThreadedEventLoopGroup.currentEventLoop) { continuation.resume(with: $0) }
    }

    /// Resumes each of `waiting` with its answer, on the loop it waited on: directly for those without a loop and
    /// those of the current thread's loop, and with one hand-off per other loop.
    static func answer(_ waiting: [WaitingCommit], with answers: [Answer]) {
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, answers: [(WaitingCommit, Answer)])] = [:]
        for (request, answer) in zip(waiting, answers) {
            guard let loop = request.loop, !loop.inEventLoop else {
                request.resume(answer)
                continue
            }
            byLoop[ObjectIdentifier(loop), default: (loop, [])].answers.append((request, answer))
        }
        for (loop, answers) in byLoop.values {
            loop.execute { for (request, answer) in answers { request.resume(answer) } }
        }
    }
}
