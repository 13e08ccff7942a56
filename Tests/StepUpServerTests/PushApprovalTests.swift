import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// Push approval end to end: StepUp on a live port, a local HTTP endpoint as the push service, and an approver in
/// Python (`Sinks/push_approver.py`: decrypts with http_ece, checks VAPID with PyJWT, signs with its own P-256 key).
@Suite("Push approval with number matching", .heavy, .serialized, .timeLimit(.minutes(5)))
struct PushApprovalTests {
    static var available: Bool {
        TestTools.require("python3", pythonModules: ["http_ece", "jwt", "cryptography"],
                          install: "pip install http_ece PyJWT cryptography")
    }

    /// The push service, the approver's files, and a harness whose pushes go there.
    final class Bed: Sendable {
        let sink: WebhookSink
        let harness: TestHarness
        var folder: Mailbox { sink.folder }
        var port: Int { sink.port }
        var state: String { folder.directory.appendingPathComponent("approver.json").path }
        var endpoint: String { "http://127.0.0.1:\(port)/wpush/sub-1" }

        init(promptLimit: Int = 3) async throws {
            sink = try await WebhookSink()
            harness = try TestHarness { configuration in
                configuration.push.channel = .webpush
                configuration.push.vapidKey = try? VAPIDKeys.generateSealed(
                    sealingKeys: configuration.secrets.sealingKeys)
                configuration.push.subject = "mailto:ops@bank.example"
                configuration.push.allowAnyEndpoint = true
                configuration.push.promptsPerTenMinutes = promptLimit
            }
            _ = try await harness.bob()
        }

        deinit { sink.stop() }

        func python(_ arguments: [String]) throws -> [String: Any] {
            let output = try TestTools.run("python3", [PythonSink.path("push_approver.py")] + arguments)
            return try #require(try JSONSerialization.jsonObject(with: Data(output)) as? [String: Any])
        }

        /// The newest request the push service received, as a file for the approver.
        func lastPush() throws -> String {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.directory.path)
                .filter { $0.hasSuffix(".json") && $0 != "approver.json" }.sorted()
            return folder.directory.appendingPathComponent(try #require(names.last, "no push arrived")).path
        }

        /// Enrolls the Python approver for bob; returns bob's token.
        func enroll(_ client: some TestClientProtocol) async throws -> String {
            let token = try await client.login("bob")
            let body = try python(["enroll", endpoint, state])
            let enrolled = try await client.json(.post, "/v1/factors/push", token: token, body: body)
            #expect(enrolled.status == .created, "\(enrolled.text)")
            return token
        }

        /// A push-only step-up: the challenge, and the number the page shows.
        func prompt(_ client: some TestClientProtocol, token: String) async throws -> (challenge: String, number: String) {
            let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                 body: EmailCodeTests.transfer(1_500))
            let challenge = try #require(decision.json["challenge"] as? [String: Any], "\(decision.text)")
            #expect(challenge["available_factors"] as? [String] == ["push"])
            let id = try #require(challenge["id"] as? String)
            let started = try await client.json(.post, "/v1/challenges/\(id)/push", token: token)
            #expect(started.status == .accepted, "\(started.text)")
            #expect(try await harness.dispatcher().drainOnce() == 1)
            return (id, try #require(started.json["number"] as? String))
        }

        func answer(_ number: String, _ decision: String = "approve", base: String, extra: [String] = [])
            throws -> [String: Any]
        {
            try python(["answer", state, try lastPush(), number, decision, base,
                        "--now=\(Int(harness.clock.now.timeIntervalSince1970))"] + extra)
        }
    }

    /// An approver registration made in Swift (for tests that need no Python device).
    static func registration(endpoint: String) throws -> ApproverRegistration {
        let browser = P256.KeyAgreement.PrivateKey()
        let device = P256.Signing.PrivateKey()
        func b64(_ bytes: some DataProtocol) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let proof = try device.signature(for: Array("stepup-push-enroll-v1\n\(endpoint)".utf8))
        return ApproverRegistration(
            name: "Relay device", subscription: PushSubscription(endpoint: endpoint,
                                                                 p256dh: b64(browser.publicKey.x963Representation),
                                                                 auth: b64([UInt8](repeating: 7, count: 16))),
            deviceKey: b64(device.publicKey.x963Representation), proof: b64(proof.rawRepresentation))
    }

    static func base(_ client: some TestClientProtocol) throws -> String {
        "http://127.0.0.1:\(try #require(client.port))"
    }

    @Test func aPythonApproverCompletesABoundStepUpByPickingTheNumber() async throws {
        guard Self.available else { return }
        let bed = try await Bed()
        try await bed.harness.application().test(.live) { client in
            // Browsers subscribe with the VAPID public key (Web Push is the channel here).
            let vapid = try await client.json(.get, "/v1/push/vapid-key")
            #expect(vapid.status == .ok && (vapid.json["public_key"] as? String)?.isEmpty == false, "\(vapid.text)")
            let token = try await bed.enroll(client)
            let (id, number) = try await bed.prompt(client, token: token)
            #expect(number.count == 2)
            let result = try bed.answer(number, base: try Self.base(client))
            #expect(result["status"] as? Int == 200, "\(result)")
            #expect((result["body"] as? [String: Any])?["status"] as? String == "satisfied")
            let payload = try #require(result["payload"] as? [String: Any])
            #expect((payload["choices"] as? [Int])?.map(String.init).contains(number) == true)
            #expect((payload["message"] as? String)?.contains("transfer of 1500 EUR to ACME Ltd") == true)
            #expect(payload["challenge_id"] as? String == id)
            #expect((result["vapid"] as? [String: Any])?["sub"] as? String == "mailto:ops@bank.example")
            var body = EmailCodeTests.transfer(1_500)
            body["grant"] = id
            let allowed = try await client.json(.post, "/v1/decisions", token: token, body: body)
            #expect(allowed.json["decision"] as? String == "allow", "\(allowed.text)")
            // The same signed answer again: the challenge is finished.
            let replay = try await client.json(.post, "/v1/push/answers",
                                               raw: try #require(result["signed"] as? String))
            #expect(replay.status == .conflict, "\(replay.text)")
        }
    }

    @Test func aWrongNumberOrAWrongKeyIsRefusedAndTheRightAnswerStillWorks() async throws {
        guard Self.available else { return }
        let bed = try await Bed()
        try await bed.harness.application().test(.live) { client in
            let token = try await bed.enroll(client)
            let (id, number) = try await bed.prompt(client, token: token)
            let forged = try bed.answer(number, base: try Self.base(client), extra: ["--wrong-key"])
            #expect(forged["status"] as? Int == 403, "\(forged)")
            let decoys = try #require((forged["payload"] as? [String: Any])?["choices"] as? [Int])
                .map(String.init).filter { $0 != number }
            #expect(decoys.count == 2)
            let wrong = try bed.answer(decoys[0], base: try Self.base(client))
            #expect(wrong["status"] as? Int == 401, "\(wrong)")
            let challenge = try await client.json(.get, "/v1/challenges/\(id)", token: token)
            #expect(challenge.json["attempts_left"] as? Int == 4, "the forgery spent nothing, the wrong number one")
            let right = try bed.answer(number, base: try Self.base(client))
            #expect(right["status"] as? Int == 200, "\(right)")
        }
    }

    @Test func anExpiredChallengeRefusesTheApproval() async throws {
        guard Self.available else { return }
        let bed = try await Bed()
        try await bed.harness.application().test(.live) { client in
            let token = try await bed.enroll(client)
            let (_, number) = try await bed.prompt(client, token: token)
            bed.harness.clock.advance(301)
            let late = try bed.answer(number, base: try Self.base(client))
            #expect(late["status"] as? Int == 410, "\(late)")
        }
    }

    @Test func thisWasntMeClosesTheChallengeAndIsAudited() async throws {
        guard Self.available else { return }
        let bed = try await Bed()
        try await bed.harness.application().test(.live) { client in
            let token = try await bed.enroll(client)
            let (id, number) = try await bed.prompt(client, token: token)
            let denied = try bed.answer(number, "deny", base: try Self.base(client))
            #expect(denied["status"] as? Int == 200, "\(denied)")
            #expect((denied["body"] as? [String: Any])?["status"] as? String == "failed")
            let after = try bed.answer(number, base: try Self.base(client))
            #expect(after["status"] as? Int == 403, "a closed challenge: \(after)")
            let challenge = try await client.json(.get, "/v1/challenges/\(id)", token: token)
            #expect(challenge.json["status"] as? String == "failed")
            let audit = try await bed.harness.store.stores.audit.auditEvents(after: 0, limit: 1_000)
            #expect(audit.contains { $0.event.type == "push.denied" && $0.event.details["challenge"] == id })
        }
    }

    @Test func twentyConcurrentApprovalsGiveOneSuccess() async throws {
        guard Self.available else { return }
        let bed = try await Bed()
        try await bed.harness.application().test(.live) { client in
            let token = try await bed.enroll(client)
            let (_, number) = try await bed.prompt(client, token: token)
            let signed = try #require(try bed.answer(number, base: try Self.base(client), extra: ["--no-send"])["signed"]
                as? String)
            let statuses = try await race(20) { _ in
                try await client.json(.post, "/v1/push/answers", raw: signed).status
            }
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
        }
    }

    @Test func promptsPerAccountAreLimited() async throws {
        guard Self.available else { return }
        let bed = try await Bed(promptLimit: 2)
        try await bed.harness.application().test(.live) { client in
            let token = try await bed.enroll(client)
            let (id, _) = try await bed.prompt(client, token: token)
            #expect(try await client.json(.post, "/v1/challenges/\(id)/push", token: token).status == .accepted)
            let third = try await client.json(.post, "/v1/challenges/\(id)/push", token: token)
            #expect(third.status == .tooManyRequests, "\(third.text)")
            #expect((third.json["detail"] as? String)?.contains("too many approval requests") == true)
        }
    }

    /// The step-up page: "Approve on my phone", the number to pick, and the status its script polls, which leads
    /// to the grant once the approver said yes.
    @Test func theStepUpPageShowsTheNumberAndLearnsTheResult() async throws {
        guard Self.available else { return }
        let bed = try await Bed()
        try await bed.harness.application().test(.live) { client in
            _ = try await bed.enroll(client)
            var browser = bed.harness.knownBrowser()
            #expect(try await browser.signIn(client, "bob").headers[.location] == "/account")
            let account = try await browser.get(client, "/account")
            let csrf = try #require(Browser.csrf(in: account.html))
            // Adding a factor once bob has an approver is a step-up: push is what he has.
            let redirect = try await browser.post(client, "/account/totp", ["csrf": csrf])
            let location = try #require(redirect.headers[.location], "\(redirect.status)")
            #expect(location.hasPrefix("/step-up/"))
            let id = String(try #require(location.split(separator: "?").first).dropFirst("/step-up/".count))
            let page = try await browser.get(client, location)
            #expect(page.html.contains("id=\"send-push-button\""), "\(page.html)")
            let prompted = try await browser.post(client, "/step-up/\(id)/push",
                                                  ["csrf": try #require(Browser.csrf(in: page.html)),
                                                   "next": "/account"])
            #expect(prompted.status == .ok)
            let number = try #require(prompted.html.firstMatch(of: /id="push-number">([0-9]{2})</)?.output.1)
            #expect(prompted.html.contains("<script src=\"/static/push-status.js\" defer></script>"))
            #expect(!prompted.html.contains("id=\"send-push-button\""), "one prompt at a time on the page")
            let waiting = try await browser.get(client, "/step-up/\(id)/status?next=%2Faccount")
            #expect(waiting.html.contains("\"status\":\"pending\""), "\(waiting.html)")
            #expect(try await bed.harness.dispatcher().drainOnce() == 1)
            let approved = try bed.answer(String(number), base: try Self.base(client))
            #expect(approved["status"] as? Int == 200, "\(approved)")
            let done = try await browser.get(client, "/step-up/\(id)/status?next=%2Faccount")
            let status = try #require(try JSONSerialization.jsonObject(with: Data(done.html.utf8)) as? [String: Any])
            #expect(status["status"] as? String == "satisfied")
            #expect(status["next"] as? String == "/account?grant=\(id)")
            let script = try await browser.get(client, "/static/push-status.js")
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.html.contains("/status?next="))
        }
    }
}

@Suite("Push approval through a signed webhook", .heavy, .serialized, .timeLimit(.minutes(5)))
struct PushWebhookTests {
    /// The operator's relay receives the notification with an HMAC signature it can check (here with Python's
    /// `hmac`, not StepUp's code), and a changed body no longer matches.
    @Test func theRelayGetsASignedNotification() async throws {
        guard TestTools.require("python3") else { return }
        let sink = try await WebhookSink()
        defer { sink.stop() }
        let secret = "relay-shared-secret-0123"
        let harness = try TestHarness { configuration in
            configuration.push.channel = .webhook
            configuration.push.webhook.url = "http://127.0.0.1:\(sink.port)/relay"
            configuration.push.webhook.secret = secret
            configuration.push.allowAnyEndpoint = true
        }
        _ = try await harness.bob()
        let approver = try await harness.service.enrollApprover(
            user: try #require(try await harness.store.stores.credentials.user(username: "bob")),
            try PushApprovalTests.registration(endpoint: "https://relay.example/device-1"), client: ClientInfo(ip: "127.0.0.1"))
        try await harness.application().test(.router) { client in
            // A relay, not Web Push: no browser subscribes, so there is no VAPID key to hand out.
            #expect(try await client.json(.get, "/v1/push/vapid-key").status == .notFound)
            let token = try await client.login("bob")
            let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                 body: EmailCodeTests.transfer(1_500))
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String, "\(decision.text)")
            #expect(try await client.json(.post, "/v1/challenges/\(id)/push", token: token).status == .accepted)
        }
        #expect(try await harness.dispatcher().drainOnce() == 1)
        let request = try #require(WebhookInbox(directory: sink.folder.directory).requests().last)
        #expect(request.path == "/relay")
        let header = try #require(request.headers["stepup-signature"])
        let parts = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map {
            let pair = $0.split(separator: "=", maxSplits: 1)
            return (String(pair[0]), String(pair[1]))
        })
        let check = """
            import hmac, hashlib, sys
            t, body, secret = sys.argv[1], sys.argv[2], sys.argv[3]
            print(hmac.new(secret.encode(), (t + "." + body).encode(), hashlib.sha256).hexdigest())
            """
        let expected = String(decoding: try TestTools.run("python3", ["-c", check, parts["t"] ?? "", request.body, secret]),
                              as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(parts["v1"] == expected)
        let tampered = String(decoding: try TestTools.run("python3", ["-c", check, parts["t"] ?? "",
                                                                      request.body + " ", secret]), as: UTF8.self)
        #expect(parts["v1"] != tampered.trimmingCharacters(in: .whitespacesAndNewlines))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        let notification = try #require(json["notification"] as? [String: Any])
        #expect(notification["factor_id"] as? String == approver.id)
        #expect((notification["choices"] as? [Int])?.count == 3)
        #expect((json["subscription"] as? [String: Any])?["endpoint"] as? String == "https://relay.example/device-1")
    }
}
