import Foundation
import StepUpTestSupport
import Testing

/// Issue #11 against the real `stepup serve --demo`: the approver page's server-sent events on a real socket — the
/// stream opens with `retry` and an `approvals` event and stays open; it needs a session; and an open stream does
/// not hold up a graceful shutdown (SIGTERM ends it within seconds, not after its 5-minute lifetime).
@Suite("Approver stream end to end", .heavy, .serialized, .timeLimit(.minutes(5)))
struct ApproverStreamEndToEndTests {
    @Test func anOpenStreamDoesNotHoldUpAGracefulShutdown() async throws {
        guard let oathtool = ExternalTool.require("oathtool", package: "oathtool") else { return }
        let server = try await RunningServer.start(arguments: ["--demo"])
        do {
            let output = server.output
            let password = try #require(BrowserFlowTests.value(after: "user:        alice / ", in: output)?
                .split(separator: " ").first)
            let secret = try #require(BrowserFlowTests.value(after: "alice TOTP:  ", in: output))
            let token = try await withHTTPClient { client in
                let http = HTTP(base: server.baseURL, client: client)
                let login = try await http.send(.POST, "/v1/sessions",
                                                json: ["username": "alice", "password": String(password)])
                let pending = try #require(login.json?["token"] as? String, "\(login.body)")
                let challenge = try #require((login.json?["step_up"] as? [String: Any])?["id"] as? String, "\(login.body)")
                let code = try await ExternalTool.run(oathtool, ["--totp", "-b", secret]).stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let verified = try await http.send(.POST, "/v1/challenges/\(challenge)/verify", token: pending,
                                                   json: ["factor": "totp", "code": code])
                #expect(verified.status == 200, "\(verified.body)")
                return (verified.json?["token"] as? String) ?? pending
            }
            let port = try #require(URL(string: server.baseURL)?.port)
            let anonymous = try #require(RawConnection(port: port))
            anonymous.send("GET /approve/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            let refused = await anonymous.read(until: "\r\n\r\n", within: .seconds(10))
            #expect(refused.hasPrefix("HTTP/1.1 401"), "\(refused)")
            anonymous.close()

            let stream = try #require(RawConnection(port: port))
            stream.send("GET /approve/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                        + "Cookie: stepup_session=\(token)\r\n\r\n")
            let opened = await stream.read(until: "event: approvals\n", within: .seconds(10))
            #expect(opened.hasPrefix("HTTP/1.1 200"), "\(opened)")
            #expect(opened.lowercased().contains("content-type: text/event-stream"))
            #expect(opened.contains("retry: 3000\n\n") && opened.contains("event: approvals\n"), "\(opened)")
            try await Task.sleep(for: .seconds(1))
            #expect(!stream.isClosedByPeer, "the stream stays open")

            let started = ContinuousClock.now
            #expect(await server.stop() == 0, "graceful shutdown on SIGTERM")
            let took = ContinuousClock.now - started
            #expect(took < .seconds(20), "an open approver stream held the shutdown for \(took)")
            #expect(stream.isClosedByPeer)
            stream.close()
        } catch {
            _ = await server.stop()
            throw error
        }
    }
}
