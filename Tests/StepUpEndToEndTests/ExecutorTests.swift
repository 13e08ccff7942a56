import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// Issue #9: `stepup serve` runs Swift's tasks on its event loops (NIO's group as Swift's global executor), or on
/// Swift's own thread pool with `STEPUP_EXECUTOR=threads`. Either way sign-ins (Argon2 on its own threads) and
/// racing decisions behave the same and the audit chain verifies; the startup line names the executor, and the
/// CPU time of a decision load is spent where it says: on the event-loop threads (`NIO-…`), or mostly on Swift's
/// pool (`…default-qos`).
@Suite("Task executor", .heavy, .serialized, .timeLimit(.minutes(5)))
struct ExecutorTests {
    /// A misspelt executor stops `serve` before it starts, rather than quietly running the other one.
    @Test(arguments: ["thread", "event-loops", "Threads"])
    func anUnknownExecutorIsAUsageError(_ value: String) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["STEPUP_EXECUTOR"] = value
        let serve = try await ExternalTool.run(ExternalTool.stepupBinary, ["serve", "--port", "0"],
                                               environment: environment, timeout: .seconds(30))
        #expect(serve.status == 64, "\(serve.stdout)\(serve.stderr)")
        #expect(serve.stderr.contains("STEPUP_EXECUTOR must be 'loops' (the default) or 'threads', not '\(value)'"),
                "\(serve.stderr)")
    }

    @Test(arguments: [nil, "loops", "threads"])
    func decisionsRunOnTheExecutorTheServerNames(_ choice: String?) async throws {
        let deployment = try await Deployment.make("executor")
        defer { deployment.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["STEPUP_EXECUTOR"] = choice
        let server = try await RunningServer.start(arguments: ["--config", deployment.config], environment: environment)
        let onEventLoops = choice != "threads"
        #expect(server.output.contains(onEventLoops ? "tasks on the event loops" : "tasks on Swift's thread pool"),
                "\(server.output)")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let http = HTTP(base: server.baseURL, client: client)
            // Sign-ins at once: their hashes run on the hashing threads and resume tasks on the chosen executor.
            let tokens = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 { group.addTask { try? await deployment.signIn(http) } }
                return try await group.reduce(into: [String]()) { if let token = $1 { $0.append(token) } }
            }
            #expect(tokens.count == 6, "every concurrent sign-in succeeds")
            let token = try #require(tokens.first)

            let before = server.cpuTicksByThreadName
            // 32 clients, 60 decisions each: every one answered, each with its own id.
            let answers = try await withThrowingTaskGroup(of: [String?].self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        var ids: [String?] = []
                        for _ in 0..<60 {
                            let reply = try await http.send(.POST, "/v1/decisions", token: token,
                                                            json: ["action": "reports.view"])
                            ids.append(reply.status == 200 ? reply.json?["decision_id"] as? String : nil)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: [String?]()) { $0 += $1 }
            }
            let after = server.cpuTicksByThreadName
            #expect(answers.count == 32 * 60 && !answers.contains(nil), "every decision is answered with an id")
            #expect(Set(answers.compactMap { $0 }).count == 32 * 60, "each with its own id")

            func spent(_ matches: (String) -> Bool) -> Int {
                after.filter { matches($0.key) }.reduce(0) { $0 + $1.value - (before[$1.key] ?? 0) }
            }
            let loops = spent { $0.hasPrefix("NIO-") }
            let pool = spent { $0.hasSuffix("default-qos") }
            if onEventLoops {
                #expect(loops > 0 && pool * 10 <= loops, "event loops \(loops) ticks, Swift's pool \(pool) ticks")
            } else {
                #expect(pool > 0 && pool * 2 >= loops, "event loops \(loops) ticks, Swift's pool \(pool) ticks")
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        #expect(await server.stop() == 0)
        let verify = try await ExternalTool.run(ExternalTool.stepupBinary, ["audit", "verify", "--config", deployment.config])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
