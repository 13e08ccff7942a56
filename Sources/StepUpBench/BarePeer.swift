import Foundation
import Hummingbird
import StepUpBareHandler

/// The bare handler, in this process.
final class BarePeer: Sendable {
    let base: String
    let task: Task<Void, any Error>

    private init(base: String, task: Task<Void, any Error>) {
        self.base = base
        self.task = task
    }

    static func start() async throws -> BarePeer {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await BareHandler.application(port: 0) { continuation.yield($0) }.runService()
        }
        var port = 0
        for await bound in stream {
            port = bound
            break
        }
        return BarePeer(base: "http://127.0.0.1:\(port)", task: task)
    }

    func stop() { task.cancel() }
}
