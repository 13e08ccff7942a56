import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// What the README's command-line and configuration sections promise, checked on the real binary.
@Suite("Command-line promises", .heavy, .serialized, .timeLimit(.minutes(5)))
struct CLIPromiseTests {
    let stepup = ExternalTool.stepupBinary

    func fresh(_ prefix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("stepup-\(prefix)-\(UUID().uuidString)")
    }

    @Test func initWritesPrivateFilesAndOverwritesOnlyWithForce() async throws {
        let directory = fresh("init")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml").path
        let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600, "stepup.yaml holds secrets: owner-only")
        let before = try String(contentsOfFile: config, encoding: .utf8)
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status != 0)
        #expect(try String(contentsOfFile: config, encoding: .utf8) == before, "nothing was overwritten")
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path, "--force"]).status == 0)
        let after = try String(contentsOfFile: config, encoding: .utf8)
        #expect(after != before, "--force writes new secrets")
        #expect((try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? NSNumber)?
            .intValue == 0o600)
    }

    @Test func secretsComeFromTheEnvironmentOrStartupFails() async throws {
        let directory = fresh("secrets")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml")
        let lines = try String(contentsOf: config, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        func value(_ key: String) -> String? {
            lines.first { $0.hasPrefix("  \(key): ") }.map {
                $0.dropFirst("  \(key): ".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        let sealing = try #require(value("sealing_keys"))
        let cookie = try #require(value("cookie_key"))
        try lines.filter { !$0.hasPrefix("  sealing_keys:") && !$0.hasPrefix("  cookie_key:") }
            .joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["STEPUP_SEALING_KEYS"] = nil
        environment["STEPUP_COOKIE_KEY"] = nil
        let refused = try await ExternalTool.run(stepup, ["serve", "--port", "0", "--config", config.path],
                                                 environment: environment, timeout: .seconds(30))
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("no secrets configured"), "\(refused.stderr)")
        environment["STEPUP_SEALING_KEYS"] = sealing
        environment["STEPUP_COOKIE_KEY"] = "not base64!"
        let malformed = try await ExternalTool.run(stepup, ["serve", "--port", "0", "--config", config.path],
                                                   environment: environment, timeout: .seconds(30))
        #expect(malformed.status != 0 && malformed.stderr.contains("cookie_key"), "\(malformed.stderr)")
        environment["STEPUP_COOKIE_KEY"] = cookie
        let server = try await RunningServer.start(arguments: ["--config", config.path], environment: environment)
        try await withHTTPClient { client in
            let ready = try await HTTP(base: server.baseURL, client: client).send(.GET, "/readyz")
            #expect(ready.status == 200, "secrets from the environment are enough")
        }
        #expect(await server.stop() == 0)
    }

    @Test func outOfRangeValuesAreReportedWithTheirPosition() async throws {
        let directory = fresh("range")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml")
        for (from, to, key) in [("  port: 8080", "  port: 70000", "port"),
                                ("  max_attempts: 5", "  max_attempts: 50", "max_attempts"),
                                ("  memory_kib: 65536", "  memory_kib: 1", "memory_kib"),
                                ("  synchronous: normal", "  synchronous: sometimes", "synchronous")] {
            let original = try String(contentsOf: config, encoding: .utf8)
            try original.replacingOccurrences(of: from, with: to).write(to: config, atomically: true, encoding: .utf8)
            let serve = try await ExternalTool.run(stepup, ["serve", "--port", "0", "--config", config.path],
                                                   timeout: .seconds(30))
            #expect(serve.status != 0, "\(key)")
            let position = try #require(serve.stderr.range(of: config.path + ":[0-9]+:[0-9]+", options: .regularExpression),
                                        "\(key): \(serve.stderr)")
            #expect(!serve.stderr[position].isEmpty)
            #expect(serve.stderr.contains(key), "\(serve.stderr)")
            try original.write(to: config, atomically: true, encoding: .utf8)
        }
    }

    @Test func hashAndVerifyPasswordExitCodes() async throws {
        let hashed = try await ExternalTool.run(stepup, ["hash-password", "--memory", "1024", "--iterations", "1",
                                                         "--parallelism", "1"], input: "a secret password\n")
        #expect(hashed.status == 0)
        let phc = hashed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(phc.hasPrefix("$argon2id$v=19$m=1024,t=1,p=1$"), "\(phc)")
        #expect(try await ExternalTool.run(stepup, ["verify-password", phc], input: "a secret password\n").status == 0)
        #expect(try await ExternalTool.run(stepup, ["verify-password", phc], input: "another password\n").status == 1)
        #expect(try await ExternalTool.run(stepup, ["verify-password", "$argon2id$nonsense"],
                                           input: "a secret password\n").status == 2)
    }

    @Test func aDisabledUserCanBeEnabledAgain() async throws {
        let directory = fresh("enable")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml").path
        #expect(try await ExternalTool.run(stepup, ["user", "add", "ivy", "--config", config],
                                           input: "ivy's long password\n").status == 0)
        let server = try await RunningServer.start(arguments: ["--config", config])
        try await withHTTPClient { client in
            let http = HTTP(base: server.baseURL, client: client)
            let body = ["username": "ivy", "password": "ivy's long password"]
            let token = try #require(try await http.send(.POST, "/v1/sessions", json: body).json?["token"] as? String)
            // The CLI writes while the server runs (WAL, busy timeout).
            #expect(try await ExternalTool.run(stepup, ["user", "disable", "ivy", "--config", config]).status == 0)
            #expect(try await http.send(.GET, "/v1/sessions/current", token: token).status == 401,
                    "a disabled user's sessions stop working at once")
            #expect(try await http.send(.POST, "/v1/sessions", json: body).status == 401)
            #expect(try await ExternalTool.run(stepup, ["user", "enable", "ivy", "--config", config]).status == 0)
            let listed = try await ExternalTool.run(stepup, ["user", "list", "--config", config])
            #expect(listed.stdout.contains("ivy") && !listed.stdout.contains("disabled"), "\(listed.stdout)")
            #expect(try await http.send(.POST, "/v1/sessions", json: body).status == 201)
        }
        #expect(await server.stop() == 0)
    }

    @Test func policyFilesOverFourMegabytesAreRefused() async throws {
        let directory = fresh("big")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.yaml")
        let padding = String(repeating: "# padding padding padding padding padding padding padding padding\n",
                             count: 70_000)
        try ("version: 1\n" + padding + "default: allow\n").write(to: policy, atomically: true, encoding: .utf8)
        let check = try await ExternalTool.run(stepup, ["policy", "check", policy.path])
        #expect(check.status == 1)
        #expect((check.stdout + check.stderr).contains("larger than 4000000 bytes"), "\(check.stdout)\(check.stderr)")
    }

    @Test func reputationListsAreReadAgainOnSIGHUP() async throws {
        let directory = fresh("lists")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml")
        let list = directory.appendingPathComponent("blocklist.txt")
        try "# nothing yet\n".write(to: list, atomically: true, encoding: .utf8)
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
            of: "  trusted_proxies: []",
            with: "  trusted_proxies: [127.0.0.1, \"::1\"]\n  reputation_lists: {abuse: \(list.path)}")
        try text.write(to: config, atomically: true, encoding: .utf8)
        #expect(try await ExternalTool.run(stepup, ["user", "add", "kim", "--config", config.path],
                                           input: "kim's long password\n").status == 0)
        let server = try await RunningServer.start(arguments: ["--config", config.path])
        try await withHTTPClient { client in
            let http = HTTP(base: server.baseURL, client: client)
            func signals() async throws -> [String] {
                let login = try await http.send(.POST, "/v1/sessions",
                                                json: ["username": "kim", "password": "kim's long password"],
                                                headers: ["X-Forwarded-For": "198.51.100.7"])
                let token = try #require(login.json?["token"] as? String, "\(login.body)")
                let decision = try await http.send(.POST, "/v1/decisions", token: token,
                                                   json: ["action": "reports.view"],
                                                   headers: ["X-Forwarded-For": "198.51.100.7"])
                let risk = decision.json?["risk"] as? [String: Any]
                return (risk?["signals"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await !signals().contains("ip_reputation"))
            try "198.51.100.0/24\n".write(to: list, atomically: true, encoding: .utf8)
            server.signal(SIGHUP)
            var seen = false
            for _ in 0..<50 where !seen {
                seen = try await signals().contains("ip_reputation")
                if !seen { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(seen, "the edited list counts after SIGHUP, without a restart")
        }
        #expect(await server.stop() == 0)
    }
}
