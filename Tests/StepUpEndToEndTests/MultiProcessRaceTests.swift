import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// Two `stepup serve` processes on one SQLite file, raced through their HTTP APIs: the single-use and budgeted
/// operations hold across processes because each is one conditional statement in the database, not a lock in
/// one process.
@Suite("Two servers, one database", .heavy, .serialized, .timeLimit(.minutes(5)))
struct MultiProcessRaceTests {
    @Test func guessesAndGrantsHoldAcrossProcesses() async throws {
        guard let oathtool = ExternalTool.require("oathtool", package: "oathtool"),
              let sqlite = ExternalTool.require("sqlite3", package: "sqlite3")
        else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-two-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path, "--policy", "demo"])
            .status == 0)
        let config = directory.appendingPathComponent("stepup.yaml")
        let text = try String(contentsOf: config, encoding: .utf8)
            .replacingOccurrences(of: "max_failures_per_address: 100", with: "max_failures_per_address: 6")
        try text.write(to: config, atomically: true, encoding: .utf8)
        #expect(try await ExternalTool.run(stepup, ["user", "add", "alice", "--config", config.path],
                                           input: "alice's long password\n").status == 0)
        let database = directory.appendingPathComponent("stepup.sqlite").path
        func audited(_ type: String) async throws -> Int {
            let out = try await ExternalTool.run(sqlite, [database,
                                                          "SELECT COUNT(*) FROM audit_events WHERE type = '\(type)'"])
            return Int(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }

        let first = try await RunningServer.start(arguments: ["--config", config.path])
        let second = try await RunningServer.start(arguments: ["--config", config.path])
        try await withHTTPClient { client in
            do {
                let servers = [HTTP(base: first.baseURL, client: client), HTTP(base: second.baseURL, client: client)]
                let a = servers[0]
                // alice has no second factor yet: she signs in at aal1 and enrolls an authenticator app.
                let login = try await a.send(.POST, "/v1/sessions",
                                             json: ["username": "alice", "password": "alice's long password"])
                let token = try #require(login.json?["token"] as? String, "\(login.body)")
                let started = try await a.send(.POST, "/v1/factors/totp", token: token, json: [String: String]())
                let secret = try #require(started.json?["secret"] as? String)
                func code(_ offset: Int) async throws -> String {
                    try await ExternalTool.run(oathtool, ["--totp", "-b", "-N", "now + \(offset) seconds", secret]).stdout
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                }
                let confirmed = try await a.send(.POST, try #require(started.json?["confirm_url"] as? String),
                                                 token: token, json: ["code": try await code(0)])
                #expect(confirmed.status == 200, "\(confirmed.body)")
                let transfer: [String: Any] = ["action": "bank.transfer",
                                               "context": ["transaction": ["amount": 5000, "currency": "EUR",
                                                                           "payee": "ACME"]]]

                // 40 wrong codes on one 5-attempt challenge, half to each process: at most 5 are evaluated.
                let decided = try await a.send(.POST, "/v1/decisions", token: token, json: transfer)
                let challenge = try #require((decided.json?["challenge"] as? [String: Any])?["id"] as? String,
                                             "\(decided.body)")
                let servers40 = servers
                let answers = try await race(40) { index in
                    try await servers40[index % 2].send(.POST, "/v1/challenges/\(challenge)/verify", token: token,
                                                        json: ["factor": "totp", "code": String(format: "%06d", index)])
                        .status
                }
                #expect(answers.allSatisfy { $0 != 200 })
                #expect(try await audited("challenge.failed") <= 5)
                let closed = try await servers[1].send(.GET, "/v1/challenges/\(challenge)", token: token)
                #expect(closed.json?["status"] as? String == "failed", "\(closed.body)")

                // One grant, 50 uses at once across both processes: exactly one allow.
                let (verified, _, outcomes) = try await stepUpAndRaceTheGrant(servers, token: token, request: transfer,
                                                                              code: try await code(30))
                #expect(verified.status == 200, "\(verified.body)")
                #expect(outcomes.filter { $0 == "allow" }.count == 1, "\(outcomes)")

                // 30 wrong passwords at once from one address (limit 6), across both processes: exactly 6 evaluated.
                let failedBefore = try await audited("login.failed")
                let throttled = try await race(30) { index in
                    try await servers40[index % 2].send(.POST, "/v1/sessions",
                                                        json: ["username": "alice", "password": "guess \(index)"]).status
                }
                #expect(try await audited("login.failed") - failedBefore == 6)
                #expect(throttled.filter { $0 == 429 }.count == 24)
            } catch {
                Issue.record("\(error)\nfirst:\n\(first.output)\nsecond:\n\(second.output)")
            }
        }
        #expect(await first.stop() == 0)
        #expect(await second.stop() == 0)
    }
}

