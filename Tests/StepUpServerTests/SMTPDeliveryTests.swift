import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// A real SMTP server (PyPI `aiosmtpd`) requiring STARTTLS and AUTH, on a loopback port, with a test certificate.
final class SMTPSink: Sendable {
    let port: Int
    let mailbox: Mailbox
    private let process: PythonSink

    static let user = "stepup"
    static let password = "s3cret-smtp"

    init(port: Int, mailbox: Mailbox, certificate: (cert: String, key: String)) async throws {
        self.port = port
        self.mailbox = mailbox
        process = try await PythonSink(script: "smtp_sink.py", port: port,
                                       arguments: [mailbox.directory.path, certificate.cert, certificate.key, Self.user,
                                                   Self.password])
    }

    func stop() { process.stop() }

    /// A self-signed certificate for `localhost` and 127.0.0.1 (and its key) in `directory`.
    static func certificate(in directory: URL) throws -> (cert: String, key: String) {
        let cert = directory.appendingPathComponent("smtp-cert.pem").path
        let key = directory.appendingPathComponent("smtp-key.pem").path
        try TestTools.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                      "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                                      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        return (cert, key)
    }

    static var available: Bool {
        TestTools.require("python3", pythonModules: ["aiosmtpd"], install: "pip install aiosmtpd")
            && TestTools.require("openssl", install: "apt-get install openssl")
    }
}

/// A test certificate (in a scratch folder) and the folder the SMTP server's messages land in.
struct SMTPFixture {
    let scratch: Mailbox
    let received: Mailbox
    let certificate: (cert: String, key: String)

    init() throws {
        scratch = try Mailbox.temporary()
        received = try Mailbox.temporary()
        certificate = try SMTPSink.certificate(in: scratch.directory)
    }

    func remove() {
        scratch.remove()
        received.remove()
    }
}

@Suite("E-mail codes over SMTP (aiosmtpd, STARTTLS)", .heavy, .serialized, .timeLimit(.minutes(5)))
struct SMTPDeliveryTests {
    static func harness(port: Int, caFile: String, password: String = SMTPSink.password) throws -> TestHarness {
        try TestHarness { configuration in
            configuration.email.channel = .smtp
            configuration.email.from = "StepUp <stepup@bank.example>"
            configuration.email.smtp.host = "localhost"
            configuration.email.smtp.port = port
            configuration.email.smtp.security = .starttls
            configuration.email.smtp.username = SMTPSink.user
            configuration.email.smtp.password = password
            configuration.email.smtp.caFile = caFile
            configuration.email.smtp.timeout = 5
            configuration.outbox.backoff = 1
        }
    }

    @Test func theCodeArrivesOverStartTLSAndCompletesTheStepUp() async throws {
        guard SMTPSink.available else { return }
        let fixture = try SMTPFixture()
        defer { fixture.remove() }
        let (received, certificate) = (fixture.received, fixture.certificate)
        let sink = try await SMTPSink(port: LoopbackPort.free(), mailbox: received, certificate: certificate)
        defer { sink.stop() }
        let harness = try Self.harness(port: sink.port, caFile: certificate.cert)
        _ = try await harness.bob()
        let dispatcher = try harness.dispatcher()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            try await EmailCodeTests.enroll(client, token: token, dispatcher: dispatcher, mailbox: received)
            let enrollment = try #require(received.messages().last)
            #expect(enrollment.hasPrefix("X-Test-TLS: yes\r\nX-Test-Auth: yes\r\nX-Test-Rcpt: Bob@example.com"),
                    "\(enrollment.prefix(200))")
            let id = try await EmailCodeTests.challenge(client, token: token)
            let code = try await EmailCodeTests.sendCode(client, token: token, challenge: id, dispatcher: dispatcher,
                                                         mailbox: received)
            #expect(received.messages().last?.contains("\(code) approves transfer of 1500 EUR to ACME Ltd") == true)
            let verified = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                                 body: ["factor": "email_otp", "code": code])
            #expect(verified.status == .ok, "\(verified.text)")
        }
        #expect(harness.service.metrics.exposition().contains("stepup_outbox_messages_total{result=\"sent\"} 2"))
    }

    @Test func aDeadServerLeavesTheMessageInTheOutboxUntilItComesBack() async throws {
        guard SMTPSink.available else { return }
        let fixture = try SMTPFixture()
        defer { fixture.remove() }
        let (received, certificate) = (fixture.received, fixture.certificate)
        let port = LoopbackPort.free()
        let harness = try Self.harness(port: port, caFile: certificate.cert)
        _ = try await harness.bob()
        let dispatcher = try harness.dispatcher()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            let started = try await client.json(.post, "/v1/factors/email", token: token,
                                                body: ["address": "bob@example.com"])
            #expect(started.status == .created, "\(started.text)")
            // Nobody listens: the attempt fails and the message waits for its retry.
            #expect(try await dispatcher.drainOnce() == 1)
            let waiting = try await harness.store.outboxMessages(status: .pending, limit: 10)
            #expect(waiting.count == 1)
            #expect(waiting.first?.attempts == 1)
            #expect(waiting.first?.lastError != nil)
            #expect(received.messages().isEmpty)

            let sink = try await SMTPSink(port: port, mailbox: received, certificate: certificate)
            defer { sink.stop() }
            #expect(try await dispatcher.drainOnce() == 0, "not due before its backoff")
            harness.clock.advance(2)
            #expect(try await dispatcher.drainOnce() == 1)
            #expect(try await harness.store.outboxMessages(status: .sent, limit: 10).count == 1)
            let code = try #require(received.lastCode(), "delivered once the server is back")
            let confirmURL = try #require(started.json["confirm_url"] as? String)
            let confirmed = try await client.json(.post, confirmURL, token: token, body: ["code": code])
            #expect(confirmed.status == .ok, "\(confirmed.text)")
        }
        let metrics = harness.service.metrics.exposition()
        #expect(metrics.contains("stepup_outbox_messages_total{result=\"retried\"} 1"))
        #expect(metrics.contains("stepup_outbox_messages_total{result=\"sent\"} 1"))
    }

    @Test func aRefusedLoginIsAPermanentFailureThatRetryPutsBack() async throws {
        guard SMTPSink.available else { return }
        let fixture = try SMTPFixture()
        defer { fixture.remove() }
        let (received, certificate) = (fixture.received, fixture.certificate)
        let sink = try await SMTPSink(port: LoopbackPort.free(), mailbox: received, certificate: certificate)
        defer { sink.stop() }
        let harness = try Self.harness(port: sink.port, caFile: certificate.cert, password: "wrong")
        _ = try await harness.bob()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            let started = try await client.json(.post, "/v1/factors/email", token: token,
                                                body: ["address": "bob@example.com"])
            #expect(started.status == .created)
        }
        #expect(try await harness.dispatcher().drainOnce() == 1)
        let failed = try await harness.store.outboxMessages(status: .failed, limit: 10)
        #expect(failed.count == 1, "535 is permanent: no retry")
        #expect(failed.first?.lastError?.contains("535") == true, "\(failed.first?.lastError ?? "")")
        #expect(harness.service.metrics.exposition().contains("stepup_outbox_messages_total{result=\"failed\"} 1"))
        #expect(try await harness.store.retryFailed(id: nil, at: harness.clock.now) == 1)
        // With the right password the same message goes out.
        let fixed = try Self.harness(port: sink.port, caFile: certificate.cert)
        let dispatcher = OutboxDispatcher(outbox: harness.store, channels: try OutboxDispatcher.channels(
            fixed.service.configuration, environment: [:]), settings: fixed.service.configuration.outbox,
            sealing: OutboxSealing(crypto: harness.service.crypto), metrics: harness.service.metrics,
            logger: .init(label: "outbox"), now: { harness.clock.now })
        #expect(try await dispatcher.drainOnce() == 1)
        #expect(received.lastCode() != nil)
    }
}
