import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Synchronization
import Testing

/// Issue #9: group commit must not trade durability for speed. `stepup serve` is killed with SIGKILL in the
/// middle of a load, three times over; every decision it acknowledged has its audit event in the file, and the
/// chain verifies (`stepup audit verify`).
@Suite("Crash safety", .heavy, .serialized, .timeLimit(.minutes(5)))
struct CrashTests {
    @Test func killNineUnderLoadLosesNoAcknowledgedDecision() async throws {
        guard let sqlite = ExternalTool.require("sqlite3", package: "sqlite3") else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml").path
        #expect(try await ExternalTool.run(stepup, ["user", "add", "alice", "--config", config],
                                           input: "alice's long password\n").status == 0)
        let acknowledged = DecisionLoad()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            for round in 1...3 {
                let server = try await RunningServer.start(arguments: ["--config", config])
                let http = HTTP(base: server.baseURL, client: client)
                let login = try await http.send(.POST, "/v1/sessions",
                                                json: ["username": "alice", "password": "alice's long password"])
                let token = try #require(login.json?["token"] as? String, "\(login.body)")
                let atStart = acknowledged.ids.withLock { $0.count }
                let load = acknowledged.start(http, token: token, clients: 16)
                // Let the load get going (a loaded test machine may take a while), then kill the server mid-flight.
                let deadline = ContinuousClock.now + .seconds(60)
                while acknowledged.ids.withLock({ $0.count }) < atStart + 20, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .milliseconds(200 * round))
                let before = acknowledged.ids.withLock { $0.count }
                server.signal(SIGKILL)
                _ = await server.stop()
                try await load.value
                #expect(before > 0, "round \(round): no decision was acknowledged before the kill")
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        #expect(acknowledged.failures.withLock { $0 } > 0, "the kills cut requests short")

        let verify = try await ExternalTool.run(stepup, ["audit", "verify", "--config", config])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("audit chain intact"))
        let stored = try await ExternalTool.run(sqlite, [
            directory.appendingPathComponent("stepup.sqlite").path,
            "SELECT json_extract(details, '$.decision_id') FROM audit_events WHERE type LIKE 'decision.%'",
        ])
        #expect(stored.status == 0, "\(stored.stderr)")
        let inFile = Set(stored.stdout.split(separator: "\n").map(String.init))
        let ids = acknowledged.ids.withLock { $0 }
        let missing = ids.subtracting(inFile)
        #expect(missing.isEmpty, "\(missing.count) of \(ids.count) acknowledged decisions are not in the audit log")
    }
}
