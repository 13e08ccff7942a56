import Hummingbird
import HummingbirdTesting
import Testing
@testable import StepUpServer

/// The count `stepup serve`'s executor reads: one while a handler runs, back to zero after it, whatever it answered.
@Suite("Requests in flight")
struct RequestsInFlightTests {
    @Test func handlersAreCountedWhileTheyRunAndNotAfter() async throws {
        let counter = RequestsInFlight()
        let router = Router()
        router.middlewares.add(RequestsInFlightMiddleware(counter: counter))
        router.get("inside") { _, _ in "\(counter.count)" }
        router.get("fails") { _, _ -> String in throw HTTPError(.internalServerError) }
        try await Application(router: router).test(.router) { client in
            let inside = try await client.execute(uri: "/inside", method: .get)
            #expect(String(buffer: inside.body) == "1")
            #expect(counter.count == 0)
            let failed = try await client.execute(uri: "/fails", method: .get)
            #expect(failed.status == .internalServerError)
            let missing = try await client.execute(uri: "/nowhere", method: .get)
            #expect(missing.status == .notFound)
            #expect(counter.count == 0, "a failed or unrouted request left the count at \(counter.count)")
            try await withThrowingTaskGroup { group in
                for _ in 0..<20 { group.addTask { _ = try await client.execute(uri: "/inside", method: .get) } }
                try await group.waitForAll()
            }
            #expect(counter.count == 0)
        }
    }
}
