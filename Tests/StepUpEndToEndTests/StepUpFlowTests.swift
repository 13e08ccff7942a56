import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// The whole loop against the real `stepup` binary, a real SQLite file and a real authenticator (`oathtool`):
/// create user → login → enroll TOTP → decision (step_up) → verify → decision (allow) → the same code is refused.
@Suite("End to end", .heavy, .serialized, .timeLimit(.minutes(5)))
struct StepUpFlowTests {
    @Test func stepUpWithIndependentlyComputedTOTP() async throws {
        guard let oathtool = ExternalTool.require("oathtool", package: "oathtool") else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let initialised = try await ExternalTool.run(ExternalTool.stepupBinary,
                                               ["init", "--directory", directory.path, "--policy", "demo"])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let config = directory.appendingPathComponent("stepup.yaml").path
        let added = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "add", "alice", "--config", config],
                                         input: "correct horse battery staple\n")
        #expect(added.status == 0, "\(added.stderr)")

        let server = try await RunningServer.start(arguments: ["--config", config])
        try await withHTTPClient { client in
            do {
                let http = HTTP(base: server.baseURL, client: client)
                try await runFlow(http, oathtool: oathtool)
            } catch {
                Issue.record("flow failed: \(error)\nserver output:\n\(server.output)")
            }
        }
        #expect(await server.stop() == 0, "graceful shutdown on SIGTERM")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("stepup.sqlite").path))
    }

    private func runFlow(_ http: HTTP, oathtool: String) async throws {
        // Wrong password and unknown user look the same.
        let wrong = try await http.send(.POST, "/v1/sessions", json: ["username": "alice", "password": "nope-nope"])
        let unknown = try await http.send(.POST, "/v1/sessions", json: ["username": "mallory", "password": "nope-nope"])
        #expect(wrong.status == 401 && unknown.status == 401)
        #expect(wrong.json?["detail"] as? String == unknown.json?["detail"] as? String)

        let login = try await http.send(.POST, "/v1/sessions",
                                        json: ["username": "alice", "password": "correct horse battery staple",
                                               "device_id": "device-e2e-0001"])
        #expect(login.status == 201, "\(login.body)")
        let token = try #require(login.json?["token"] as? String)

        let started = try await http.send(.POST, "/v1/factors/totp", token: token, json: [String: String]())
        #expect(started.status == 201, "\(started.body)")
        let secret = try #require(started.json?["secret"] as? String)
        let confirmURL = try #require(started.json?["confirm_url"] as? String)
        #expect((started.json?["otpauth_uri"] as? String)?.hasPrefix("otpauth://totp/") == true)

        let first = try await ExternalTool.run(oathtool, ["--totp", "-b", secret]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let confirmed = try await http.send(.POST, confirmURL, token: token, json: ["code": first])
        #expect(confirmed.status == 200, "\(confirmed.body)")

        let transfer: [String: Any] = ["action": "bank.transfer",
                                       "context": ["transaction": ["amount": 50, "currency": "EUR", "payee": "ACME"]]]
        let stepUp = try await http.send(.POST, "/v1/decisions", token: token, json: transfer)
        #expect(stepUp.status == 200, "\(stepUp.body)")
        #expect(stepUp.json?["decision"] as? String == "step_up", "\(stepUp.body)")
        let challenge = try #require(stepUp.json?["challenge"] as? [String: Any])
        let challengeID = try #require(challenge["id"] as? String)

        // The step the enrollment used is spent; the authenticator's next code (within the ±1 window) is fresh.
        let next = try await ExternalTool.run(oathtool, ["--totp", "-b", "-N", "now + 30 seconds", secret]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let replayed = try await http.send(.POST, "/v1/challenges/\(challengeID)/verify", token: token,
                                           json: ["factor": "totp", "code": first])
        #expect(replayed.status == 401, "the enrollment code must not be accepted twice: \(replayed.body)")
        let verified = try await http.send(.POST, "/v1/challenges/\(challengeID)/verify", token: token,
                                           json: ["factor": "totp", "code": next])
        #expect(verified.status == 200, "\(verified.body)")
        #expect(verified.json?["status"] as? String == "satisfied")

        let allowed = try await http.send(.POST, "/v1/decisions", token: token, json: transfer)
        #expect(allowed.json?["decision"] as? String == "allow", "\(allowed.body)")

        // A large transfer needs a fresh step-up every time; the code already used is refused.
        let large: [String: Any] = ["action": "bank.transfer",
                                    "context": ["transaction": ["amount": 5000, "currency": "EUR", "payee": "ACME"]]]
        let again = try await http.send(.POST, "/v1/decisions", token: token, json: large)
        #expect(again.json?["decision"] as? String == "step_up", "\(again.body)")
        let secondID = try #require((again.json?["challenge"] as? [String: Any])?["id"] as? String)
        let reused = try await http.send(.POST, "/v1/challenges/\(secondID)/verify", token: token,
                                         json: ["factor": "totp", "code": next])
        #expect(reused.status == 401, "a TOTP code must never be accepted twice: \(reused.body)")
        #expect(reused.headers.first(name: "content-type") == "application/problem+json")

        // Bad input gets clear errors, never a 500.
        let malformed = try await http.send(.POST, "/v1/decisions", token: token, rawBody: "{not json")
        #expect(malformed.status == 400)
        let wrongType = try await http.send(.POST, "/v1/decisions", token: token, rawBody: "action=x",
                                            contentType: "application/x-www-form-urlencoded")
        #expect(wrongType.status == 415)
        let huge = try await http.send(.POST, "/v1/decisions", token: token,
                                       rawBody: "{\"action\":\"" + String(repeating: "a", count: 200_000) + "\"}")
        #expect(huge.status == 413)
        let missing = try await http.send(.GET, "/v1/challenges/chl_doesnotexist", token: token)
        #expect(missing.status == 404)
        let health = try await http.send(.GET, "/readyz")
        #expect(health.status == 200)
    }
}
