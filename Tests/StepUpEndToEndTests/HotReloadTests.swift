import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// The running server picks up policy edits by itself and on SIGHUP; a broken edit never replaces a good policy.
@Suite("Policy hot reload", .heavy, .serialized, .timeLimit(.minutes(5)))
struct HotReloadTests {
    func reloads(_ http: HTTP, _ result: String, token: String) async throws -> Int {
        let metrics = try await http.send(.GET, "/metrics", token: token).body
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("stepup_policy_reloads_total{result=\"\(result)\"}") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
    }

    func waitFor(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func fileChangesAndSIGHUPReloadThePolicy() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-reload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path, "--policy", "demo"]).status == 0)
        let policy = directory.appendingPathComponent("policy.yaml")
        let original = try String(contentsOf: policy, encoding: .utf8)
        // `stepup init` writes a metrics token; /metrics answers only with it.
        let config = try String(contentsOf: directory.appendingPathComponent("stepup.yaml"), encoding: .utf8)
        let token = try #require(config.split(separator: "\n").first { $0.hasPrefix("  token: ") }
            .map { $0.dropFirst("  token: ".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) })
        let server = try await RunningServer.start(arguments: ["--config", directory.appendingPathComponent("stepup.yaml").path])
        try await withHTTPClient { client in
            do {
                let http = HTTP(base: server.baseURL, client: client)
                #expect(try await http.send(.GET, "/metrics").status == 401, "metrics need the token")
                #expect(try await http.send(.GET, "/metrics", token: token).status == 200)
                try original.replacingOccurrences(of: "max_age: 5m", with: "max_age: 10m")
                    .write(to: policy, atomically: true, encoding: .utf8)
                #expect(try await waitFor { try await reloads(http, "applied", token: token) == 1 }, "an edited file is picked up")

                try "rules: [".write(to: policy, atomically: true, encoding: .utf8)
                #expect(try await waitFor { try await reloads(http, "failed", token: token) == 1 }, "a broken file is reported")
                server.signal(SIGHUP)
                #expect(try await waitFor { try await reloads(http, "failed", token: token) == 2 }, "SIGHUP reloads (still broken)")
                let ready = try await http.send(.GET, "/readyz")
                #expect(ready.status == 200, "the server keeps running on the last good policy")
                #expect(server.output.contains("policy reload failed; keeping the running policy"))
            } catch {
                Issue.record("\(error)\n\(server.output)")
            }
        }
        #expect(await server.stop() == 0)
    }
}
