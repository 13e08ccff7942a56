import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

@Suite("Sessions API", .timeLimit(.minutes(5)))
struct SessionAPITests {
    @Test func loginReturnsABearerSessionAtAAL1() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let current = try await client.json(.get, "/v1/sessions/current", token: token)
            #expect(current.status == .ok)
            #expect(current.json["level"] as? String == "aal1")
            #expect(current.json["amr"] as? [String] == ["pwd"])
            #expect((current.json["user"] as? [String: Any])?["username"] as? String == "alice")
            let logout = try await client.json(.delete, "/v1/sessions/current", token: token)
            #expect(logout.status == .noContent)
            let after = try await client.json(.get, "/v1/sessions/current", token: token)
            #expect(after.status == .unauthorized)
            #expect(after.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func unknownUsersAndWrongPasswordsLookTheSame() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let wrong = try await client.json(.post, "/v1/sessions", body: ["username": "alice", "password": "nope-nope"])
            let unknown = try await client.json(.post, "/v1/sessions", body: ["username": "bob", "password": "nope-nope"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.text == unknown.text)
        }
        let events = try await harness.store.stores.audit.auditEvents(after: 0, limit: 100)
        #expect(events.filter { $0.event.type == "login.failed" }.count == 2)
    }

    @Test func anAddressIsThrottledAfterTooManyFailures() async throws {
        let harness = try TestHarness { $0.login.maxFailuresPerAddress = 3 }
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            for _ in 0..<3 {
                let reply = try await client.json(.post, "/v1/sessions", body: ["username": "x", "password": "wrong-pass"])
                #expect(reply.status == .unauthorized)
            }
            let blocked = try await client.json(.post, "/v1/sessions",
                                                body: ["username": "alice", "password": "correct horse battery"])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
            harness.clock.advance(3_601)
            _ = try await client.login()
        }
    }

    @Test func manyAccountFailuresDemandASecondFactorNotALockout() async throws {
        let harness = try TestHarness { $0.login.maxFailuresPerAccount = 3 }
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            for _ in 0..<3 {
                _ = try await client.json(.post, "/v1/sessions", body: ["username": "alice", "password": "guess-guess"])
            }
            let passwordOnly = try await client.json(.post, "/v1/sessions",
                                                     body: ["username": "alice", "password": "correct horse battery"])
            #expect(passwordOnly.status == .tooManyRequests)
            #expect((passwordOnly.json["detail"] as? String)?.contains("one-time code") == true)
            #expect(passwordOnly.headers[.retryAfter] != nil)
            // The owner's known device is not held back by others' failures.
            _ = try await client.login()
            let withCode = try await client.json(.post, "/v1/sessions",
                                                 body: ["username": "alice", "password": "correct horse battery",
                                                        "otp": harness.totp(secret)])
            #expect(withCode.status == .created, "\(withCode.text)")
            #expect((withCode.json["session"] as? [String: Any])?["level"] as? String == "aal2")
        }
    }

    @Test func badInputGetsClearProblems() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let malformed = try await client.json(.post, "/v1/sessions", raw: "{\"username\": ")
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers[.contentType] == "application/problem+json")
            #expect(malformed.json["status"] as? Int == 400)
            let missing = try await client.json(.post, "/v1/sessions", body: ["username": "alice"])
            #expect(missing.status == .badRequest)
            #expect((missing.json["detail"] as? String)?.contains("password") == true)
            let wrongType = try await client.json(.post, "/v1/sessions", body: ["username": 5, "password": "x"])
            #expect(wrongType.status == .badRequest)
            let form = try await client.json(.post, "/v1/sessions", raw: "username=a",
                                             contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType)
            let huge = try await client.json(.post, "/v1/sessions",
                                             raw: "{\"username\":\"" + String(repeating: "a", count: 100_000) + "\"}")
            #expect(huge.status == .contentTooLarge)
            let nowhere = try await client.json(.get, "/v1/nowhere")
            #expect(nowhere.status == .notFound)
            #expect(nowhere.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func healthEndpoints() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let live = try await client.json(.get, "/healthz")
            let ready = try await client.json(.get, "/readyz")
            #expect(live.status == .ok && ready.status == .ok)
        }
    }
}
