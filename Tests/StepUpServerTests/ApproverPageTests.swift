import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StepUpCore
import StepUpCrypto
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// Issue #11, the browser as an approver: enrolment from the account page, the approver page's server-sent events
/// (a stream per signed-in user, only that user's approvals, ended by sign-out or expiry, limited in number)
/// — see ``PushAnswerDefenceTests`` for the answer budgets and the session hand-over.
@Suite("Approver page and its event stream", .serialized, .timeLimit(.minutes(5)))
struct ApproverPageTests {
    static func harness(_ configure: @escaping (inout ServerConfiguration) -> Void = { _ in }) throws -> TestHarness {
        try TestHarness { configuration in
            configuration.push.channel = .webpush
            configuration.push.vapidKey = try? VAPIDKeys.generateSealed(sealingKeys: configuration.secrets.sealingKeys)
            configure(&configuration)
        }
    }

    static func b64(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// An approver without a push subscription (what a browser with no push service enrols): reached only by its
    /// open approver page.
    static func enroll(_ harness: TestHarness, _ user: UserRecord, key: P256.Signing.PrivateKey) async throws
        -> FactorRecord
    {
        let proof = try key.signature(for: Array("stepup-push-enroll-v1\n".utf8))
        return try await harness.service.enrollApprover(
            user: user, ApproverRegistration(name: "This browser", subscription: nil,
                                             deviceKey: b64(key.publicKey.x963Representation),
                                             proof: b64(proof.rawRepresentation)),
            client: ClientInfo(ip: "127.0.0.1"))
    }

    /// bob, on the known test device, with an approver whose device key is returned.
    static func bobWithApprover(_ harness: TestHarness) async throws -> (P256.Signing.PrivateKey, FactorRecord) {
        let key = P256.Signing.PrivateKey()
        return (key, try await enroll(harness, try await harness.bob(), key: key))
    }

    /// The body a device signs and posts to `/v1/push/answers`.
    static func answer(_ key: P256.Signing.PrivateKey, factor: String, challenge: Challenge, number: String,
                       decision: PushDecision = .approve) throws -> String {
        let message = StepUpService.pushApprovalMessage(challengeID: challenge.id, number: number,
                                                        bindingHash: challenge.bindingHash, decision: decision)
        let signature = try key.signature(for: Array(message.utf8))
        return try WebAuthnPageTests.json(["factor_id": factor, "challenge_id": challenge.id, "number": number,
                                           "decision": decision.rawValue,
                                           "signature": b64(signature.rawRepresentation)])
    }

    /// Signs `browser` in as `username` and starts a push step-up from the page ("add an authenticator app" is a
    /// factor change, stepped up once the user has an approver); returns the challenge id and the page's number.
    static func pushStepUp(_ browser: inout Browser, _ client: some TestClientProtocol, _ username: String,
                           signingIn: Bool = false) async throws -> (id: String, number: String)
    {
        if signingIn { _ = try await browser.signIn(client, username) }
        let account = try await browser.get(client, "/account")
        let csrf = try #require(Browser.csrf(in: account.html), "\(account.status) \(account.html)")
        let redirect = try await browser.post(client, "/account/totp", ["csrf": csrf])
        let location = try #require(redirect.headers[.location], "\(redirect.status) \(redirect.html)")
        let id = String(try #require(location.split(separator: "?").first).dropFirst("/step-up/".count))
        let prompted = try await browser.post(client, "/step-up/\(id)/push", ["csrf": csrf, "next": "/account"])
        #expect(prompted.status == .ok, "\(prompted.html)")
        #expect(prompted.html.contains("action=\"/step-up/\(id)/push/done\""), "the hand-over form is on the page")
        let number = try #require(prompted.html.firstMatch(of: /id="push-number">([0-9]{2})</)?.output.1)
        return (id, String(number))
    }

    static func signOut(_ browser: inout Browser, _ client: some TestClientProtocol) async throws {
        let csrf = try #require(Browser.csrf(in: try await browser.get(client, "/account").html))
        _ = try await browser.post(client, "/logout", ["csrf": csrf])
    }

    /// Waits until `count` approver streams are open (`stepup_approver_streams_open`), so a test acts on a stream that
    /// is listening rather than on one whose request has not been served yet.
    static func waitForStreams(_ client: some TestClientProtocol, _ count: Int) async throws {
        var metrics = ""
        for _ in 0..<300 {
            metrics = try await client.execute(uri: "/metrics", method: .get,
                                               headers: [.authorization: "Bearer \(TestHarness.metricsToken)"]) {
                String(buffer: $0.body)
            }
            let open = metrics.split(separator: "\n").first { $0.hasPrefix("stepup_approver_streams_open ") }
                .flatMap { Double($0.dropFirst("stepup_approver_streams_open ".count)) }
            if open == Double(count) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("never \(count) open approver streams: \(metrics.split(separator: "\n").filter { $0.contains("approver") })")
    }

    static func events(_ client: some TestClientProtocol, _ browser: Browser) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, text: String)
    {
        let reply = try await client.execute(uri: "/approve/events", method: .get,
                                             headers: [.cookie: browser.cookieHeader,
                                                       .accept: "text/event-stream"]) { $0 }
        return (reply.status, reply.headers, String(buffer: reply.body))
    }

    @Test func theStreamAndThePageNeedASignedInBrowser() async throws {
        let harness = try Self.harness()
        try await harness.application().test(.router) { client in
            let anonymous = try await Self.events(client, Browser())
            #expect(anonymous.status == .unauthorized)
            #expect(!anonymous.text.contains("event:"))
            var stranger = Browser()
            stranger.cookies[WebSupport.sessionCookie] = "not-a-session-token"
            #expect(try await Self.events(client, stranger).status == .unauthorized)
            let page = try await stranger.get(client, "/approve")
            #expect(page.headers[.location]?.hasPrefix("/login") == true, "\(page.status)")
        }
    }

    /// bob's stream carries bob's prompt (what, three numbers, the right one among them); dave's, open at the same
    /// time, never does; both streams end with `event: end` when their browser signs out, and the old cookie
    /// opens no new stream.
    @Test func eachStreamCarriesOnlyItsUsersApprovalsAndEndsAtSignOut() async throws {
        let harness = try Self.harness()
        let bob = try await harness.bob()
        let dave = try await harness.service.createUser(username: "dave", password: "correct horse battery",
                                                        roles: ["customer"])
        try await harness.knowDevice(of: dave)
        let bobKey = P256.Signing.PrivateKey()
        let bobFactor = try await Self.enroll(harness, bob, key: bobKey)
        _ = try await Self.enroll(harness, dave, key: P256.Signing.PrivateKey())
        try await harness.application().test(.router) { client in
            var bobBrowser = harness.knownBrowser()
            var daveBrowser = harness.knownBrowser()
            #expect(try await bobBrowser.signIn(client, "bob").headers[.location] == "/account")
            #expect(try await daveBrowser.signIn(client, "dave").headers[.location] == "/account")
            let page = try await bobBrowser.get(client, "/approve")
            #expect(page.status == .ok && page.html.contains("<script src=\"/static/approver.js\" defer></script>"))
            #expect(page.html.contains("data-user=\"bob\""))
            let (bobCookies, daveCookies) = (bobBrowser, daveBrowser)
            async let bobStream = Self.events(client, bobCookies)
            async let daveStream = Self.events(client, daveCookies)
            try await Self.waitForStreams(client, 2)
            try await Task.sleep(for: .milliseconds(1_500))
            let (id, number) = try await Self.pushStepUp(&bobBrowser, client, "bob")
            try await Task.sleep(for: .milliseconds(2_500))
            try await Self.signOut(&bobBrowser, client)
            try await Self.signOut(&daveBrowser, client)
            let (bobEvents, daveEvents) = try await (bobStream, daveStream)

            #expect(bobEvents.status == .ok)
            #expect(bobEvents.headers[.contentType] == "text/event-stream; charset=utf-8")
            #expect(bobEvents.headers[.cacheControl] == "no-store")
            let updates = bobEvents.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("event: approvals\n") }
            #expect(updates.count >= 2, "one on connect, one when the prompt arrived: \(bobEvents.text)")
            #expect(!(updates.first ?? "").contains(id), "nothing was pending when the page connected")
            let prompt = try #require(updates.last(where: { $0.contains(id) }), "\(bobEvents.text)")
            let data = try #require(try JSONSerialization.jsonObject(with: Data(prompt.dropFirst(
                "event: approvals\ndata: ".count).utf8)) as? [String: Any])
            let approvals = try #require(data["approvals"] as? [[String: Any]])
            #expect(approvals.count == 1)
            let choices = try #require(approvals.first?["choices"] as? [Int])
            #expect(choices.count == 3 && Set(choices).count == 3 && choices.contains(Int(number) ?? -1))
            #expect((approvals.first?["message"] as? String)?.contains("account.factors.manage") == true,
                    "\(approvals)")
            let approvers = try #require(data["approvers"] as? [String: String])
            #expect(approvers[Self.b64(bobKey.publicKey.x963Representation)] == bobFactor.id)
            #expect(bobEvents.text.hasSuffix("event: end\ndata: {\"reason\":\"signed-out\"}\n\n"))

            #expect(daveEvents.status == .ok)
            #expect(daveEvents.text.contains("event: approvals\n"))
            #expect(!daveEvents.text.contains(id), "dave never sees bob's approval: \(daveEvents.text)")
            #expect(!daveEvents.text.contains(bobFactor.id))
            #expect(daveEvents.text.contains("event: end\n"))

            #expect(try await Self.events(client, bobCookies).status == .unauthorized, "signed out: no new stream")
        }
    }

    /// A challenge prompted twice is listed once, with the newest prompt's numbers (the page that asked last shows
    /// its number).
    @Test func aChallengePromptedTwiceIsListedOnceWithThePagesNumber() async throws {
        let harness = try Self.harness()
        let (_, _) = try await Self.bobWithApprover(harness)
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            let (id, _) = try await Self.pushStepUp(&browser, client, "bob", signingIn: true)
            let csrf = try #require(Browser.csrf(in: try await browser.get(client, "/step-up/\(id)").html))
            harness.clock.advance(1)
            let again = try await browser.post(client, "/step-up/\(id)/push", ["csrf": csrf, "next": "/account"])
            let shown = try #require(again.html.firstMatch(of: /id="push-number">([0-9]{2})</)?.output.1)
            let bob = try #require(try await harness.store.stores.credentials.user(username: "bob"))
            let approvals = try await harness.service.pendingApprovals(userID: bob.id)
            #expect(approvals.count == 1 && approvals.first?.challengeID == id)
            #expect(approvals.first?.choices.contains(Int(shown) ?? -1) == true, "\(approvals) \(shown)")
        }
    }

    /// A session that expires while its approver page listens ends the stream like a sign-out.
    @Test func theStreamEndsWhenTheSessionExpires() async throws {
        let harness = try Self.harness()
        _ = try await harness.bob()
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            _ = try await browser.signIn(client, "bob")
            let cookies = browser
            async let stream = Self.events(client, cookies)
            // Open, then past its first look at the session (it looks once a second).
            try await Self.waitForStreams(client, 1)
            try await Task.sleep(for: .milliseconds(1_200))
            harness.clock.advance(400 * 86_400)
            let events = try await stream
            // The ended stream no longer counts against the limits (nor in `/metrics`).
            try await Self.waitForStreams(client, 0)
            #expect(events.text.contains("event: approvals\n"))
            #expect(events.text.hasSuffix("event: end\ndata: {\"reason\":\"signed-out\"}\n\n"), "\(events.text)")
        }
    }

    @Test func streamsPerUserAreLimited() async throws {
        let harness = try Self.harness { $0.push.eventStreamsPerUser = 1 }
        _ = try await harness.bob()
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            _ = try await browser.signIn(client, "bob")
            let cookies = browser
            async let first = Self.events(client, cookies)
            try await Self.waitForStreams(client, 1)
            let second = try await Self.events(client, cookies)
            #expect(second.status == .tooManyRequests, "\(second.text)")
            #expect(second.headers[.retryAfter] != nil)
            try await Self.signOut(&browser, client)
            #expect(try await first.status == .ok)
        }
    }

    /// The account page's form (what approver.js posts): the device key, its proof, no subscription when there is
    /// no push service; a forged proof is refused and enrols nothing.
    @Test func theAccountPageEnrolsAnApproverWithoutAPushService() async throws {
        let harness = try Self.harness()
        let bob = try await harness.bob()
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            _ = try await browser.signIn(client, "bob")
            let account = try await browser.get(client, "/account")
            #expect(account.html.contains("id=\"enroll-approver\""))
            #expect(account.html.contains("data-vapid=\"\(try #require(harness.service.vapidPublicKey))\""))
            let csrf = try #require(Browser.csrf(in: account.html))
            let key = P256.Signing.PrivateKey()
            let forged = try P256.Signing.PrivateKey().signature(for: Array("stepup-push-enroll-v1\n".utf8))
            let refused = try await browser.post(client, "/account/approvers", [
                "csrf": csrf, "name": "Laptop", "device_key": Self.b64(key.publicKey.x963Representation),
                "proof": Self.b64(forged.rawRepresentation), "subscription": ""])
            #expect(refused.status == .badRequest && refused.html.contains("proof"), "\(refused.status)")
            #expect(try await browser.post(client, "/account/approvers", ["csrf": "", "name": "Laptop"]).status
                    == .forbidden)
            let proof = try key.signature(for: Array("stepup-push-enroll-v1\n".utf8))
            let enrolled = try await browser.post(client, "/account/approvers", [
                "csrf": csrf, "name": "Laptop", "device_key": Self.b64(key.publicKey.x963Representation),
                "proof": Self.b64(proof.rawRepresentation), "subscription": ""])
            #expect(enrolled.headers[.location] == "/account?notice=approver", "\(enrolled.status) \(enrolled.html)")
            let factors = try await harness.store.stores.factors.factors(userID: bob.id).filter { $0.kind == .push }
            #expect(factors.count == 1 && factors.first?.label == "Laptop")
            #expect(factors.first?.parameters["device_key"] == Self.b64(key.publicKey.x963Representation))
            let script = try await browser.get(client, "/static/approver.js")
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            let worker = try await browser.get(client, "/static/approver-sw.js")
            #expect(worker.headers[HTTPField.Name("Service-Worker-Allowed")!] == "/approve")
            #expect(worker.html.contains("showNotification") && worker.html.contains("openWindow(\"/approve\")"))
        }
    }

    /// With a push service, the form carries the subscription (endpoint, p256dh, auth): it is stored sealed (the
    /// factor row holds ciphertext, not the endpoint), and a prompt goes to the outbox for it. A subscription that is
    /// not JSON, or whose keys are not a P-256 point and a 16-byte secret, enrols nothing.
    @Test func theAccountFormStoresAPushSubscriptionSealed() async throws {
        let harness = try Self.harness()
        let bob = try await harness.bob()
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            _ = try await browser.signIn(client, "bob")
            let csrf = try #require(Browser.csrf(in: try await browser.get(client, "/account").html))
            let endpoint = "https://fcm.googleapis.com/fcm/send/device-token-1"
            let key = P256.Signing.PrivateKey()
            let proof = try key.signature(for: Array("stepup-push-enroll-v1\n\(endpoint)".utf8))
            var form = ["csrf": csrf, "name": "Phone", "device_key": Self.b64(key.publicKey.x963Representation),
                        "proof": Self.b64(proof.rawRepresentation)]
            let browserKey = P256.KeyAgreement.PrivateKey().publicKey.x963Representation
            let subscription = try WebAuthnPageTests.json(["endpoint": endpoint, "keys": [
                "p256dh": Self.b64(browserKey), "auth": Self.b64([UInt8](repeating: 9, count: 16))]])
            for bad in ["{not json", try WebAuthnPageTests.json(["endpoint": endpoint, "keys": [
                "p256dh": Self.b64([UInt8](repeating: 4, count: 65)), "auth": Self.b64([UInt8](repeating: 9, count: 8))]])] {
                form["subscription"] = bad
                let refused = try await browser.post(client, "/account/approvers", form)
                #expect(refused.status == .badRequest, "\(refused.status)")
            }
            #expect(try await harness.store.stores.factors.factors(userID: bob.id).filter { $0.kind == .push }.isEmpty)
            form["subscription"] = subscription
            let enrolled = try await browser.post(client, "/account/approvers", form)
            #expect(enrolled.headers[.location] == "/account?notice=approver", "\(enrolled.status) \(enrolled.html)")
            let factor = try #require(try await harness.store.stores.factors.factors(userID: bob.id)
                .first { $0.kind == .push })
            let sealed = try #require(try await harness.store.stores.factors.factor(id: factor.id)?.sealedSecret)
            #expect(!String(decoding: sealed, as: UTF8.self).contains("fcm.googleapis.com"), "sealed at rest")
            _ = try await Self.pushStepUp(&browser, client, "bob")
            let queued = try await harness.store.stores.outbox.outboxMessages(status: .pending, limit: 10)
            #expect(queued.filter { $0.channel == "push" }.count == 1, "the prompt is queued for the push service")
        }
    }

}
