import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// Two `stepup serve` instances on one real PostgreSQL, reached directly and behind real nginx round-robin: a
/// user's requests may land on either, and nothing depends on which one answers.
@Suite("Two instances, one PostgreSQL", .heavy, .serialized, .timeLimit(.minutes(5)))
struct PostgresInstancesEndToEndTests {
    /// The transfer every step of the test decides (built per use: `[String: Any]` is not `Sendable`).
    static func transfer() -> [String: Any] {
        ["action": "bank.transfer", "context": ["transaction": ["amount": 5000, "currency": "EUR", "payee": "ACME"]]]
    }

    @Test func signInOnOneStepUpOnTheOtherAndTheGrantIsUsedOnce() async throws {
        guard let oathtool = ExternalTool.require("oathtool", package: "oathtool"),
              let nginx = ExternalTool.require("nginx", package: "nginx"),
              let server = try await PostgresServer.shared()
        else { return }
        let database = try await server.createDatabase()
        defer { server.dropDatabase(database) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path, "--policy", "demo"])
            .status == 0)
        // The password comes from a file beside the configuration, not from the configuration itself.
        try Data("\(server.password)\n".utf8).write(to: directory.appendingPathComponent("db-password"))
        let config = directory.appendingPathComponent("stepup.yaml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "storage:\n", with: """
            storage:
              postgres:
                url: postgres://\(server.user)@127.0.0.1:\(server.port)/\(database)?sslmode=disable
                password_file: db-password
                pool_size: 8

            """)
        try text.write(to: config, atomically: true, encoding: .utf8)
        let added = try await ExternalTool.run(stepup, ["user", "add", "alice", "--config", config.path],
                                               input: "alice's long password\n")
        #expect(added.status == 0, "\(added.stderr)")
        func audited(_ type: String) throws -> Int {
            Int(try server.psql("SELECT COUNT(*) FROM audit_events WHERE type = '\(type)'", database: database)) ?? -1
        }

        let first = try await RunningServer.start(arguments: ["--config", config.path])
        let second = try await RunningServer.start(arguments: ["--config", config.path])
        let proxy = try #require(try await RoundRobinProxy.start(nginx, upstreams: [first.baseURL, second.baseURL],
                                                                 in: directory))
        try await withHTTPClient { client in
            do {
                // Each instance directly (to choose which one answers), and both behind nginx round-robin.
                let servers = [HTTP(base: first.baseURL, client: client), HTTP(base: second.baseURL, client: client),
                               HTTP(base: proxy.baseURL, client: client)]
                // Signed in through the first instance; the authenticator app is confirmed through the second.
                let login = try await servers[0].send(.POST, "/v1/sessions",
                                                      json: ["username": "alice", "password": "alice's long password"])
                let token = try #require(login.json?["token"] as? String, "\(login.body)")
                let started = try await servers[1].send(.POST, "/v1/factors/totp", token: token,
                                                        json: [String: String]())
                let secret = try #require(started.json?["secret"] as? String, "\(started.body)")
                func code(_ offset: Int) async throws -> String {
                    try await ExternalTool.run(oathtool, ["--totp", "-b", "-N", "now + \(offset) seconds", secret]).stdout
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                }
                let confirmed = try await servers[0].send(.POST, try #require(started.json?["confirm_url"] as? String),
                                                          token: token, json: ["code": try await code(0)])
                #expect(confirmed.status == 200, "\(confirmed.body)")
                let transfer = Self.transfer()

                // 50 wrong codes at once on one challenge, spread over both instances (directly and through
                // nginx): its budget holds exactly.
                let decided = try await servers[0].send(.POST, "/v1/decisions", token: token, json: transfer)
                let challenge = try #require((decided.json?["challenge"] as? [String: Any])?["id"] as? String,
                                             "\(decided.body)")
                let attempts = try #require((decided.json?["challenge"] as? [String: Any])?["attempts_left"] as? Int,
                                            "\(decided.body)")
                let answers = try await race(50) { index in
                    try await servers[index % 3].send(.POST, "/v1/challenges/\(challenge)/verify", token: token,
                                                      json: ["factor": "totp", "code": String(format: "%06d", index)])
                        .status
                }
                #expect(answers.allSatisfy { $0 != 200 })
                #expect(try audited("challenge.failed") == attempts, "\(answers)")
                let closed = try await servers[1].send(.GET, "/v1/challenges/\(challenge)", token: token)
                #expect(closed.json?["status"] as? String == "failed", "\(closed.body)")

                // Step up through the second instance on a challenge the first one opened; then the grant, used
                // 50 times at once through both instances alternately: exactly one allow.
                let (verified, grant, outcomes) = try await stepUpAndRaceTheGrant(
                    servers, token: token, request: transfer, code: try await code(30))
                #expect(grant != nil && verified.status == 200, "\(verified.body)")
                #expect(outcomes.filter { $0 == "allow" }.count == 1, "\(outcomes)")

                let served = proxy.servedBy()
                #expect(served.count == 2 && served.values.allSatisfy { $0 >= 10 }, "nginx round-robin: \(served)")

                // A policy edit (the same file on both) is seen by both instances within 3 s.
                let policy = directory.appendingPathComponent("policy.yaml")
                let rules = try String(contentsOf: policy, encoding: .utf8)
                let paused = rules.replacingOccurrences(of: "match: {action: bank.transfer}\n    require: {level: aal2, max_age: 5m}",
                                                        with: "match: {action: bank.transfer}\n    deny: Transfers are paused.")
                #expect(paused != rules)
                try paused.write(to: policy, atomically: true, encoding: .utf8)
                // Both are asked side by side from the edit on, each at least once: a deny counts when the request
                // that got it started within the 3 s.
                let edited = ContinuousClock.now
                let seen = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                    for http in servers.prefix(2) {
                        group.addTask {
                            var decision: String?
                            repeat {
                                let asked = ContinuousClock.now
                                decision = try await http.send(.POST, "/v1/decisions", token: token,
                                                               json: Self.transfer())
                                    .json?["decision"] as? String
                                if decision == "deny" { return (http.base, asked - edited <= .seconds(3) ? "deny" : "late") }
                                try await Task.sleep(for: .milliseconds(100))
                            } while ContinuousClock.now - edited < .seconds(3)
                            return (http.base, decision)
                        }
                    }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                for (base, decision) in seen {
                    #expect(decision == "deny", "\(base) still decides \(decision ?? "nothing") 3 s after the edit")
                }
                #expect(seen.count == 2)

                // Signing out through one instance ends the session on the other at once (shared cache feed).
                let out = try await servers[0].send(.DELETE, "/v1/sessions/current", token: token)
                #expect(out.status < 300, "\(out.body)")
                let after = try await servers[1].send(.POST, "/v1/decisions", token: token, json: transfer)
                #expect(after.status == 401, "\(after.body)")
            } catch {
                Issue.record("\(error)\nfirst:\n\(first.output)\nsecond:\n\(second.output)")
            }
        }
        proxy.process.stop()
        #expect(await first.stop() == 0)
        #expect(await second.stop() == 0)
        let verify = try await ExternalTool.run(stepup, ["audit", "verify", "--config", config.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("audit chain intact"))
    }
}
