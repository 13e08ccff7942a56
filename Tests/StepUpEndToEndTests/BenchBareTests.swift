import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// `stepup bench bare` serves the benchmarks' reference handler alone, so it can be measured with other tools
/// (`wrk`) beside a real server.
@Suite("Bench bare", .heavy, .timeLimit(.minutes(5)))
struct BenchBareTests {
    @Test func servesTheReferenceHandlerOnTheGivenPort() async throws {
        let port = LoopbackPort.free()
        let bare = try BackgroundProcess(ExternalTool.stepupBinary, ["bench", "bare", "--port", "\(port)"])
        defer { bare.stop() }
        #expect(await bare.waitForPort(port, seconds: 90), "it did not listen: \(bare.output)")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let http = HTTP(base: "http://127.0.0.1:\(port)", client: client)
            let reply = try await http.send(.POST, "/v1/decisions", json: ["action": "reports.view"])
            #expect(reply.status == 200 && reply.json?["decision"] as? String == "allow", "\(reply.body)")
            #expect(try await http.send(.GET, "/any/page").body == "ok\n")
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        let bad = try await ExternalTool.run(ExternalTool.stepupBinary, ["bench", "bare", "--port", "-1"])
        #expect(bad.status != 0)
    }
}
