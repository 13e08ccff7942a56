import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// A local HTTP endpoint standing in for an SMS provider; what it received, oldest first.
struct WebhookInbox: Sendable {
    let directory: URL

    struct Received: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: String
    }

    func requests() -> [Received] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return Received(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                            headers: object["headers"] as? [String: String] ?? [:], body: object["body"] as? String ?? "")
        }
    }
}

@Suite("SMS codes over a webhook", .heavy, .serialized, .timeLimit(.minutes(5)))
struct SMSCodeTests {
    static var available: Bool { TestTools.require("python3") }

    /// A harness whose SMS codes go to a local webhook receiver, JSON body, an API key from the environment.
    static func harness(port: Int, configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestHarness {
        try TestHarness { configuration in
            configuration.sms.channel = .webhook
            configuration.sms.webhook.url = "http://127.0.0.1:\(port)/v1/messages?key=${SMS_KEY}"
            configuration.sms.webhook.headers = ["Authorization": "Bearer ${SMS_TOKEN}"]
            configuration.sms.webhook.body = #"{"to": {{to}}, "text": {{body}}, "ref": {{idempotency_key}}}"#
            configure(&configuration)
        }
    }

    static let environment = ["SMS_TOKEN": "provider-token-123", "SMS_KEY": "k1"]

    static func code(in text: String) -> String? {
        text.firstMatch(of: /\b[0-9]{6,8}\b/).map { String($0.output) }
    }

    @Test func aCodeBySMSCompletesABoundStepUp() async throws {
        guard Self.available else { return }
        let sink = try await WebhookSink()
        defer { sink.stop() }
        let (port, inbox) = (sink.port, sink.folder)
        let received = WebhookInbox(directory: inbox.directory)
        let harness = try Self.harness(port: port)
        _ = try await harness.bob()
        let dispatcher = try harness.dispatcher(environment: Self.environment)
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            let started = try await client.json(.post, "/v1/factors/sms", token: token,
                                                body: ["phone": "+33 6 12-34.56 78"])
            #expect(started.status == .created, "\(started.text)")
            #expect(started.json["destination"] as? String == "+33*******78")
            #expect(try await dispatcher.drainOnce() == 1)
            let enrollment = try #require(received.requests().last)
            #expect(enrollment.method == "POST")
            #expect(enrollment.path == "/v1/messages?key=k1")
            #expect(enrollment.headers["authorization"] == "Bearer provider-token-123")
            #expect(enrollment.headers["content-type"] == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(enrollment.body.utf8)) as? [String: Any])
            #expect(json["to"] as? String == "+33612345678")
            #expect(enrollment.headers["idempotency-key"] == json["ref"] as? String)
            let code = try #require(Self.code(in: json["text"] as? String ?? ""))
            let confirmURL = try #require(started.json["confirm_url"] as? String)
            // An SMS factor is confirmed at its own URL only: the e-mail one does not know it.
            let wrongKind = confirmURL.replacingOccurrences(of: "/factors/sms/", with: "/factors/email/")
            #expect(try await client.json(.post, wrongKind, token: token, body: ["code": code]).status == .notFound)
            #expect(try await client.json(.post, confirmURL, token: token, body: ["code": code]).status == .ok)

            let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                 body: EmailCodeTests.transfer(1_500))
            let challenge = try #require(decision.json["challenge"] as? [String: Any])
            #expect(challenge["available_factors"] as? [String] == ["sms_otp"])
            let id = try #require(challenge["id"] as? String)
            let sent = try await client.json(.post, "/v1/challenges/\(id)/codes", token: token,
                                             body: ["factor": "sms_otp"])
            #expect(sent.status == .accepted, "\(sent.text)")
            #expect(try await dispatcher.drainOnce() == 1)
            let message = try #require(received.requests().last?.body)
            let text = try #require((try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])?["text"]
                as? String)
            #expect(text.contains("approves transfer of 1500 EUR to ACME Ltd"), "\(text)")
            let smsCode = try #require(Self.code(in: text))
            let verified = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                                 body: ["factor": "sms_otp", "code": smsCode])
            #expect(verified.status == .ok, "\(verified.text)")
        }
    }

    @Test func aTwilioStyleFormRequestNeedsOnlyConfiguration() async throws {
        guard Self.available else { return }
        let sink = try await WebhookSink()
        defer { sink.stop() }
        let (port, inbox) = (sink.port, sink.folder)
        let harness = try Self.harness(port: port) { configuration in
            configuration.sms.webhook.url = "http://127.0.0.1:\(port)/2010-04-01/Accounts/AC1/Messages.json"
            configuration.sms.webhook.headers = ["Authorization": "Basic ${TWILIO_BASIC}"]
            configuration.sms.webhook.format = .form
            configuration.sms.webhook.body = "To={{to}}&From=%2B15005550006&Body={{body}}"
        }
        _ = try await harness.bob()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            let started = try await client.json(.post, "/v1/factors/sms", token: token, body: ["phone": "+15551234567"])
            #expect(started.status == .created)
        }
        #expect(try await harness.dispatcher(environment: ["TWILIO_BASIC": "QUMxOnNlY3JldA=="]).drainOnce() == 1)
        let request = try #require(WebhookInbox(directory: inbox.directory).requests().last)
        #expect(request.path == "/2010-04-01/Accounts/AC1/Messages.json")
        #expect(request.headers["authorization"] == "Basic QUMxOnNlY3JldA==")
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        var fields: [String: String] = [:]
        for pair in request.body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            fields[parts[0]] = parts.count > 1 ? parts[1].removingPercentEncoding : ""
        }
        #expect(fields["To"] == "+15551234567")
        #expect(fields["From"] == "+15005550006")
        #expect(fields["Body"].flatMap(Self.code(in:)) != nil, "\(fields)")
    }

    @Test func numbersAreE164AndOnlyAllowedPrefixes() async throws {
        let harness = try Self.harness(port: 9) { $0.sms.allowedPrefixes = ["+33", "+49"] }
        _ = try await harness.bob()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            for bad in ["0612345678", "+0612345678", "+33 6", "+33612345678901234", "+33abc45678", "+44 20 7946 0958"] {
                let refused = try await client.json(.post, "/v1/factors/sms", token: token, body: ["phone": bad])
                #expect(refused.status == .badRequest, "\(bad): \(refused.text)")
            }
            let accepted = try await client.json(.post, "/v1/factors/sms", token: token, body: ["phone": "+4915112345678"])
            #expect(accepted.status == .created, "\(accepted.text)")
        }
    }

    @Test func pumpingLimitsTripPerNumberAndPerPrefixWithClear429s() async throws {
        let harness = try Self.harness(port: 9) { configuration in
            configuration.sms.sendsPerAccountPerHour = 100
            configuration.sms.sendsPerNumberPerHour = 2
            configuration.sms.sendsPerPrefixPerHour = 3
            configuration.sms.prefixDigits = 6
        }
        try await harness.application().test(.router) { client in
            var tokens: [String] = []
            for index in 0..<3 {
                let user = try await harness.service.createUser(username: "pump\(index)", password: "correct horse battery")
                try await harness.knowDevice(of: user)
                tokens.append(try await client.login("pump\(index)"))
            }
            // One number, twice: the third is refused (per destination, whichever account asks).
            for token in tokens.prefix(2) {
                let sent = try await client.json(.post, "/v1/factors/sms", token: token, body: ["phone": "+882001000001"])
                #expect(sent.status == .created, "\(sent.text)")
            }
            let sameNumber = try await client.json(.post, "/v1/factors/sms", token: tokens[2],
                                                   body: ["phone": "+882001000001"])
            #expect(sameNumber.status == .tooManyRequests)
            #expect((sameNumber.json["detail"] as? String)?.contains("to this phone number") == true)
            // Many numbers of one premium range: the prefix's budget (3 per hour) stops the pump.
            let other = try await client.json(.post, "/v1/factors/sms", token: tokens[2], body: ["phone": "+882001000002"])
            #expect(other.status == .created, "\(other.text)")
            let pumped = try await client.json(.post, "/v1/factors/sms", token: tokens[2], body: ["phone": "+882001000003"])
            #expect(pumped.status == .tooManyRequests, "\(pumped.text)")
            #expect(pumped.headers[.contentType] == "application/problem+json")
            #expect(pumped.headers[.retryAfter] != nil)
            #expect((pumped.json["detail"] as? String)?.contains("numbers starting +88200") == true, "\(pumped.text)")
            // Another range is not affected.
            let elsewhere = try await client.json(.post, "/v1/factors/sms", token: tokens[2], body: ["phone": "+33612345678"])
            #expect(elsewhere.status == .created)
        }
    }

    @Test func aFailingProviderIsRetriedAndA4xxIsPermanent() async throws {
        guard Self.available else { return }
        let sink = try await WebhookSink()
        defer { sink.stop() }
        let (port, inbox) = (sink.port, sink.folder)
        let harness = try Self.harness(port: port) { $0.outbox.backoff = 1 }
        _ = try await harness.bob()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            #expect(try await client.json(.post, "/v1/factors/sms", token: token, body: ["phone": "+33612345678"]).status
                == .created)
        }
        let dispatcher = try harness.dispatcher(environment: Self.environment)
        let status = inbox.directory.appendingPathComponent("status")
        try "503".write(to: status, atomically: true, encoding: .utf8)
        #expect(try await dispatcher.drainOnce() == 1)
        #expect(try await harness.store.outboxMessages(status: .pending, limit: 5).first?.lastError?.contains("503")
            == true)
        try FileManager.default.removeItem(at: status)
        harness.clock.advance(2)
        #expect(try await dispatcher.drainOnce() == 1)
        #expect(try await harness.store.outboxMessages(status: .sent, limit: 5).count == 1)
        let requests = WebhookInbox(directory: inbox.directory).requests()
        #expect(requests.count == 2)
        #expect(Set(requests.map { $0.headers["idempotency-key"] ?? "" }).count == 1, "a retry repeats the key")

        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            _ = try await client.json(.post, "/v1/factors/sms", token: token, body: ["phone": "+33612345679"])
        }
        try "400".write(to: status, atomically: true, encoding: .utf8)
        #expect(try await dispatcher.drainOnce() == 1)
        #expect(try await harness.store.outboxMessages(status: .failed, limit: 5).count == 1, "400 is permanent")
    }
}
