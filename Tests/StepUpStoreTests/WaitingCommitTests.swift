import NIOCore
import NIOPosix
import StepUpCore
import Synchronization
import Testing
@testable import StepUpStore

/// A committed batch answers each waiting request on the event loop its task waited on (where, when tasks run on
/// the event loops, its connection is), and a request that waited on no loop directly.
@Suite("Waiting commits")
struct WaitingCommitTests {
    struct Marked: Error, Equatable { var index: Int }

    /// Six requests — two on each of two loops, two on none — answered from a thread that is no loop's.
    @Test func eachRequestIsAnsweredOnTheLoopItWaitedOn() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = [group.next(), group.next()]
        #expect(loops[0] !== loops[1])
        let answered = Mutex<[Int: (onItsLoop: Bool, answer: Int?)]>([:])
        let unit = try PreparedUnit(UnitOfWork())
        let waiting = (0..<6).map { index in
            let loop: (any EventLoop)? = index % 3 == 2 ? nil : loops[index % 3]
            return WaitingCommit(unit: unit, loop: loop) { answer in
                let onItsLoop = loop?.inEventLoop ?? !loops.contains { $0.inEventLoop }
                let marked = (answer.error as? Marked)?.index
                answered.withLock { $0[index] = (onItsLoop, marked) }
            }
        }
        WaitingCommit.answer(waiting, with: (0..<6).map { .failure(Marked(index: $0)) })
        // Those that waited on no loop are answered before `answer` returns.
        #expect(answered.withLock { Set($0.keys) }.isSuperset(of: [2, 5]))
        // Each loop runs its hand-off before a task submitted after it.
        for loop in loops { try await loop.submit {}.get() }
        let all = answered.withLock { $0 }
        #expect(all.count == 6)
        for index in 0..<6 {
            #expect(all[index]?.onItsLoop == true, "request \(index) was answered off its loop")
            #expect(all[index]?.answer == index, "request \(index) got another request's answer")
        }
        try await group.shutdownGracefully()
    }

    /// Answered from a loop's own thread (a committer running there), that loop's requests are answered at once.
    @Test func theCurrentLoopsRequestsAreAnsweredAtOnce() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let unit = try PreparedUnit(UnitOfWork())
        let answeredBeforeReturn = try await loop.submit {
            let answered = Mutex(false)
            let waiting = WaitingCommit(unit: unit, loop: loop) { _ in answered.withLock { $0 = true } }
            WaitingCommit.answer([waiting], with: [.success([])])
            return answered.withLock { $0 }
        }.get()
        #expect(answeredBeforeReturn)
        try await group.shutdownGracefully()
    }
}

private extension Result {
    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
