import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// Issue #11: an accepted message survives `kill -9`. StepUp accepts an e-mail code (201) while its SMTP server is
/// down, is killed, and the next process — now with a working channel — delivers that very message; the code
/// still confirms the address. `stepup outbox list|retry` show and replay the queue.
@Suite("Outbox crash safety", .heavy, .serialized, .timeLimit(.minutes(5)))
struct OutboxCrashTests {
    @Test func killNineBetweenAcceptAndSendLosesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-outbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml")
        // The file `stepup init` wrote, without its (off) e-mail section, which each life below writes itself.
        let written = try String(contentsOf: config, encoding: .utf8)
        #expect(written.contains("vapid_key: \""), "stepup init writes a sealed VAPID key")
        let original = written.replacing(/\nemail:\n  channel: none[^\n]*\n/, with: "\n")
        #expect(!original.contains("\nemail:"))
        #expect(try await ExternalTool.run(stepup, ["user", "add", "bob", "--config", config.path],
                                           input: "bob's long password\n").status == 0)
        // First life: the SMTP server is down (nothing listens on the port).
        try (original + """

            email:
              channel: smtp
              smtp: {host: 127.0.0.1, port: \(LoopbackPort.free()), security: plain, timeout_seconds: 2}
            outbox: {backoff_seconds: 1, max_backoff_seconds: 1, lease_seconds: 10}

            """).write(to: config, atomically: true, encoding: .utf8)
        let mail = directory.appendingPathComponent("mail")
        try await withHTTPClient { client in
            let first = try await RunningServer.start(arguments: ["--config", config.path])
            var http = HTTP(base: first.baseURL, client: client)
            let login = try await http.send(.POST, "/v1/sessions",
                                            json: ["username": "bob", "password": "bob's long password"])
            let token = try #require(login.json?["token"] as? String, "\(login.body)")
            let started = try await http.send(.POST, "/v1/factors/email", token: token,
                                              json: ["address": "bob@example.com"])
            #expect(started.status == 201, "\(started.body)")
            let confirmURL = try #require(started.json?["confirm_url"] as? String)
            first.signal(SIGKILL)
            _ = await first.stop()

            let listed = try await ExternalTool.run(stepup, ["outbox", "list", "--config", config.path])
            #expect(listed.status == 0)
            #expect(listed.stdout.contains("\temail\tpending\t"), "\(listed.stdout)")
            #expect(!listed.stdout.contains("bob@example.com"), "the list never shows content")
            let bogus = try await ExternalTool.run(stepup, ["outbox", "retry", "msg_nope", "--config", config.path])
            #expect(bogus.status != 0)

            // Second life: a working channel (the file channel), the same database.
            try (original + """

                email: {channel: file, directory: mail}
                outbox: {backoff_seconds: 1, max_backoff_seconds: 1, lease_seconds: 10}

                """).write(to: config, atomically: true, encoding: .utf8)
            let second = try await RunningServer.start(arguments: ["--config", config.path])
            // The first life may have died holding the message's lease (mid-send): it is taken again when the lease
            // (10 s here) ends.
            var delivered: String?
            for _ in 0..<300 where delivered == nil {
                delivered = ((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? [])
                    .first { $0.hasSuffix(".eml") }
                    .flatMap { try? String(contentsOf: mail.appendingPathComponent($0), encoding: .utf8) }
                if delivered == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let message = try #require(delivered, "the message accepted before the crash is delivered: \(second.output)")
            let code = try #require(message.firstMatch(of: /\b[0-9]{6}\b/).map { String($0.output) })
            http = HTTP(base: second.baseURL, client: client)
            let confirmed = try await http.send(.POST, confirmURL, token: token, json: ["code": code])
            #expect(confirmed.status == 200, "\(confirmed.body)")
            #expect(await second.stop() == 0)
            let sent = try await ExternalTool.run(stepup, ["outbox", "list", "--status", "sent", "--config", config.path])
            #expect(sent.stdout.contains("\temail\tsent\t"), "\(sent.stdout)")
        }
    }
}
