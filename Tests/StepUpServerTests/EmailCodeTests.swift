import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// E-mail one-time codes through the JSON API, delivered by the outbox's file channel.
@Suite("E-mail codes", .timeLimit(.minutes(5)))
struct EmailCodeTests {
    static func transfer(_ amount: Int, payee: String = "ACME Ltd") -> [String: Any] {
        ["action": "bank.transfer", "context": ["transaction": ["amount": amount, "currency": "EUR", "payee": payee]]]
    }

    /// bob adds bob@example.com and confirms it with the code the outbox delivered.
    static func enroll(_ client: some TestClientProtocol, token: String, dispatcher: OutboxDispatcher,
                       mailbox: Mailbox) async throws {
        let started = try await client.json(.post, "/v1/factors/email", token: token,
                                            body: ["address": "Bob@Example.com"])
        #expect(started.status == .created, "\(started.text)")
        #expect(started.json["destination"] as? String == "B***@example.com")
        #expect(try await dispatcher.drainOnce() == 1)
        let code = try #require(mailbox.lastCode(), "the verification code arrived")
        let confirmURL = try #require(started.json["confirm_url"] as? String)
        let wrong = try await client.json(.post, confirmURL, token: token, body: ["code": code == "000000" ? "111111" : "000000"])
        #expect(wrong.status == .unauthorized)
        let confirmed = try await client.json(.post, confirmURL, token: token, body: ["code": code])
        #expect(confirmed.status == .ok, "\(confirmed.text)")
    }

    /// A step-up challenge for a transfer; returns its id.
    static func challenge(_ client: some TestClientProtocol, token: String, amount: Int = 1_500,
                          payee: String = "ACME Ltd") async throws -> String {
        let decision = try await client.json(.post, "/v1/decisions", token: token,
                                             body: transfer(amount, payee: payee))
        #expect(decision.json["decision"] as? String == "step_up", "\(decision.text)")
        let challenge = try #require(decision.json["challenge"] as? [String: Any])
        #expect(challenge["available_factors"] as? [String] == ["email_otp"])
        let id = try #require(challenge["id"] as? String)
        #expect(challenge["codes_url"] as? String == "/v1/challenges/\(id)/codes")
        return id
    }

    static func sendCode(_ client: some TestClientProtocol, token: String, challenge: String,
                         dispatcher: OutboxDispatcher, mailbox: Mailbox) async throws -> String {
        let sent = try await client.json(.post, "/v1/challenges/\(challenge)/codes", token: token,
                                         body: ["factor": "email_otp"])
        #expect(sent.status == .accepted, "\(sent.text)")
        #expect(try await dispatcher.drainOnce() == 1)
        return try #require(mailbox.lastCode())
    }

    /// bob, signed in with his address enrolled (through the API and the file channel): what most tests start from.
    struct Bed {
        let harness: TestHarness
        let client: any TestClientProtocol
        let token: String
        let dispatcher: OutboxDispatcher
        let mailbox: Mailbox

        func challenge(payee: String = "ACME Ltd") async throws -> String {
            try await EmailCodeTests.challenge(client, token: token, payee: payee)
        }

        func sendCode(_ challenge: String) async throws -> String {
            try await EmailCodeTests.sendCode(client, token: token, challenge: challenge, dispatcher: dispatcher,
                                              mailbox: mailbox)
        }

        func verify(_ challenge: String, _ code: String) async throws -> HTTPResponse.Status {
            try await client.json(.post, "/v1/challenges/\(challenge)/verify", token: token,
                                  body: ["factor": "email_otp", "code": code]).status
        }
    }

    static func withEnrolledBob(configure: @escaping (inout ServerConfiguration) -> Void = { _ in },
                                _ body: @escaping @Sendable (Bed) async throws -> Void) async throws {
        let mailbox = try Mailbox.temporary()
        defer { mailbox.remove() }
        let harness = try TestHarness(mailbox: mailbox, configure: configure)
        _ = try await harness.bob()
        let dispatcher = try harness.dispatcher()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            try await enroll(client, token: token, dispatcher: dispatcher, mailbox: mailbox)
            try await body(Bed(harness: harness, client: client, token: token, dispatcher: dispatcher,
                               mailbox: mailbox))
        }
    }

    @Test func aCodeByEmailCompletesABoundStepUpAndNamesTheTransaction() async throws {
        try await Self.withEnrolledBob { bed in
            let id = try await bed.challenge()
            let code = try await bed.sendCode(id)
            #expect(code.count == 6)
            let message = try #require(bed.mailbox.messages().last)
            #expect(message.contains("\(code) approves transfer of 1500 EUR to ACME Ltd"), "\(message)")
            #expect(message.contains("To: Bob@example.com"))
            #expect(try await bed.verify(id, code) == .ok)
            var body = Self.transfer(1_500)
            body["grant"] = id
            let allowed = try await bed.client.json(.post, "/v1/decisions", token: bed.token, body: body)
            #expect(allowed.json["decision"] as? String == "allow", "\(allowed.text)")
            // Used once: the same code again meets a finished challenge.
            #expect(try await bed.verify(id, code) == .conflict)
        }
    }

    @Test func aCodeForOneChallengeNeverCompletesAnother() async throws {
        try await Self.withEnrolledBob { bed in
            let first = try await bed.challenge(payee: "ACME Ltd")
            let second = try await bed.challenge(payee: "Mallory Inc")
            #expect(first != second)
            let codeForFirst = try await bed.sendCode(first)
            _ = try await bed.sendCode(second)
            let crossed = try await bed.client.json(.post, "/v1/challenges/\(second)/verify", token: bed.token,
                                                    body: ["factor": "email_otp", "code": codeForFirst])
            #expect(crossed.status == .unauthorized, "\(crossed.text)")
            #expect((crossed.json["type"] as? String)?.hasSuffix("invalid-code") == true)
            // It still works where it belongs.
            #expect(try await bed.verify(first, codeForFirst) == .ok)
        }
    }

    @Test func twentyConcurrentSubmissionsOfTheCodeGiveOneSuccess() async throws {
        try await Self.withEnrolledBob { bed in
            let id = try await bed.challenge()
            let code = try await bed.sendCode(id)
            let statuses = try await race(20) { _ in try await bed.verify(id, code) }
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
        }
    }

    @Test func anExpiredCodeIsRefused() async throws {
        try await Self.withEnrolledBob(configure: { $0.email.codeLifetime = 60 }) { bed in
            let id = try await bed.challenge()
            let code = try await bed.sendCode(id)
            bed.harness.clock.advance(61)
            #expect(try await bed.verify(id, code) == .unauthorized)
        }
    }

    @Test func sendingIsLimitedPerAccountWithA429() async throws {
        try await Self.withEnrolledBob(configure: { $0.email.sendsPerAccountPerHour = 3 }) { bed in
            let id = try await bed.challenge()
            func send() async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any],
                                         text: String) {
                try await bed.client.json(.post, "/v1/challenges/\(id)/codes", token: bed.token,
                                          body: ["factor": "email_otp"])
            }
            for _ in 0..<2 { #expect(try await send().status == .accepted) }
            let refused = try await send()
            #expect(refused.status == .tooManyRequests, "\(refused.text)")
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.headers[.retryAfter] != nil)
            #expect((refused.json["detail"] as? String)?.contains("too many codes") == true)
            bed.harness.clock.advance(3_601)
            #expect(try await send().status != .tooManyRequests)
        }
    }

    @Test func changingTheAddressIsASensitiveChangeAndBadAddressesAreRefused() async throws {
        let mailbox = try Mailbox.temporary()
        defer { mailbox.remove() }
        let harness = try TestHarness(mailbox: mailbox)
        _ = try await harness.bob()
        let dispatcher = try harness.dispatcher()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            for bad in ["not an address", "a@b", "x@example.com\r\nRCPT TO:<evil@example.com>", "<a@example.com>"] {
                let refused = try await client.json(.post, "/v1/factors/email", token: token, body: ["address": bad])
                #expect(refused.status == .badRequest, "\(bad): \(refused.text)")
            }
            try await Self.enroll(client, token: token, dispatcher: dispatcher, mailbox: mailbox)
            let change = try await client.json(.post, "/v1/factors/email", token: token,
                                               body: ["address": "mallory@example.com"])
            #expect(change.status == .forbidden, "\(change.text)")
            #expect((change.json["type"] as? String)?.hasSuffix("step-up-required") == true)
        }
    }

    @Test func withoutAChannelEmailCodesAreNeitherEnrolledNorOffered() async throws {
        let harness = try TestHarness()
        _ = try await harness.bob()
        try await harness.application().test(.router) { client in
            let token = try await client.login("bob")
            let refused = try await client.json(.post, "/v1/factors/email", token: token,
                                                body: ["address": "bob@example.com"])
            #expect(refused.status == .forbidden)
        }
    }
}
