import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import StepUpTestSupport
import StepUpWebAuthn
import Testing
@testable import StepUpServer

/// Every lying or broken WebAuthn answer is refused with a clear problem+json naming why — never a 500, never a
/// hint whether a user exists.
@Suite("WebAuthn refusals", .timeLimit(.minutes(5)))
struct WebAuthnRefusalTests {
    typealias Answer = SoftwareAuthenticator.Answer

    @Test func registrationsThatMustFail() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let user = try await harness.service.createUser(username: "carol", password: "correct horse battery")
            try await harness.knowDevice(of: user)
            let token = try await client.login("carol")
            let cases: [(String, Answer, HTTPResponse.Status, String)] = [
                ("wrong origin", Answer(origin: "https://evil.example"), .unauthorized, "origin_not_allowed"),
                ("wrong rpId hash", Answer(rpId: "evil.example"), .unauthorized, "rp_id_mismatch"),
                ("UP clear", Answer(flags: [.userVerified]), .unauthorized, "user_not_present"),
                ("truncated CBOR", Answer(truncate: 3), .badRequest, "malformed_cbor"),
                ("trailing CBOR", Answer(trailing: [0xF6]), .badRequest, "malformed_cbor"),
                ("a challenge not issued", Answer(challenge: Array(repeating: 7, count: 32)), .unauthorized,
                 "challenge_mismatch"),
            ]
            for (label, answer, status, identifier) in cases {
                var device = SoftwareAuthenticator.random()
                expectProblem(try await client.registerPasskey(&device, token: token, answer), status, identifier,
                              label)
            }
            // Reused, expired and forged ceremonies.
            let options = try await client.json(.post, "/v1/factors/webauthn/options", token: token,
                                                body: [String: String]())
            let key = try #require(options.json["public_key"] as? [String: Any])
            var device = SoftwareAuthenticator.random()
            device.userHandle = Array(user.id.utf8)
            let body: [String: Any] = ["ceremony": options.json["ceremony"] ?? "",
                                       "credential": try device.registration(options: key)]
            var forged = body
            forged["ceremony"] = "AAAA" + (options.json["ceremony"] as? String ?? "").dropFirst(4)
            expectProblem(try await client.json(.post, "/v1/factors/webauthn", token: token, body: forged),
                          .badRequest, "ceremony_invalid", "forged")
            harness.clock.advance(301)
            expectProblem(try await client.json(.post, "/v1/factors/webauthn", token: token, body: body), .gone,
                          "ceremony_expired", "expired")
            harness.clock.advance(-301)
            #expect(try await client.json(.post, "/v1/factors/webauthn", token: token, body: body).status == .created)
            // Now carol has a passkey: only a session strong enough may add more, and the ceremony is spent.
            let fresh = try #require(try await client.passkeySignIn(device).json["token"] as? String)
            expectProblem(try await client.json(.post, "/v1/factors/webauthn", token: fresh, body: body), .conflict,
                          "ceremony_reused", "reused")
            #expect(try await harness.service.passkeys(of: user.id).count == 1)
            #expect(try await harness.auditTypes().filter { $0.event.type == "factor.enrollment_failed" }.count
                        == cases.count)
        }
    }

    @Test func attestationNotAllowedByThePolicy() async throws {
        let allowList = try TestHarness { $0.webAuthn.attestation.allowedAAGUIDs = [AAGUID.zero] }
        let trusted = try TestHarness { $0.webAuthn.attestation.requirement = .trusted }
        for (harness, identifier) in [(allowList, "aaguid_not_allowed"), (trusted, "attestation_not_trusted")] {
            try await harness.application().test(.router) { client in
                let user = try await harness.service.createUser(username: "carol", password: "correct horse battery")
                try await harness.knowDevice(of: user)
                let token = try await client.login("carol")
                for format in ["none", "packed"] {
                    var device = SoftwareAuthenticator.random()
                    expectProblem(try await client.registerPasskey(&device, token: token, Answer(format: format)),
                                  .forbidden, identifier, "\(identifier) \(format)")
                }
            }
        }
    }

    @Test func signInsThatMustFail() async throws {
        let harness = try TestHarness { $0.webAuthn.userVerification = .required }
        try await harness.application().test(.router) { client in
            let (_, device, _) = try await harness.userWithPasskey(client)
            let cases: [(String, Answer, HTTPResponse.Status, String)] = [
                ("wrong origin", Answer(origin: "http://localhost:8081"), .unauthorized, "origin_not_allowed"),
                ("wrong rpId hash", Answer(rpId: "example.com"), .unauthorized, "rp_id_mismatch"),
                ("UP clear", Answer(flags: [.userVerified]), .unauthorized, "user_not_present"),
                ("UV clear where required", Answer(flags: [.userPresent]), .unauthorized, "user_not_verified"),
                ("signature over other data", Answer(signOver: Array("something else".utf8)), .unauthorized,
                 "bad_signature"),
                ("truncated authenticator data", Answer(truncate: 1), .badRequest, "malformed_authenticator_data"),
                ("trailing authenticator data", Answer(trailing: [0]), .badRequest, "malformed_authenticator_data"),
            ]
            for (label, answer, status, identifier) in cases {
                expectProblem(try await client.passkeySignIn(device, answer), status, identifier, label)
            }
            #expect(try await client.passkeySignIn(device).status == .created, "the honest answer still works")
            let failures = try await harness.auditTypes().filter { $0.event.type == "login.failed" }
            #expect(failures.count == cases.count)
            #expect(failures.allSatisfy { $0.event.details["factor"] == "webauthn" })
        }
    }

    /// An unknown credential reads the same whether the user handle names a real user, a disabled one, or nobody.
    @Test func anUnknownCredentialTellsNothingAboutUsers() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (carol, carols, _) = try await harness.userWithPasskey(client)
            let (dave, daves, _) = try await harness.userWithPasskey(client, username: "dave")
            try await harness.store.stores.credentials.setDisabled(userID: dave.id, true)
            var answers: [String] = []
            for handle in [carol.id, "usr_nobody", dave.id, ""] {
                var stranger = SoftwareAuthenticator.random()
                stranger.userHandle = handle.isEmpty ? nil : Array(handle.utf8)
                let reply = try await client.passkeySignIn(stranger)
                expectProblem(reply, .unauthorized, "unknown_credential", "handle \(handle)")
                answers.append(reply.text)
            }
            #expect(Set(answers).count == 1, "\(answers)")
            // carol's real passkey, claiming to be erin's: nobody signs in as erin with someone else's key.
            let (erin, _, _) = try await harness.userWithPasskey(client, username: "erin")
            var claimed = carols
            claimed.userHandle = Array(erin.id.utf8)
            #expect(try await client.passkeySignIn(claimed).text == answers[0])
            #expect(try await client.passkeySignIn(carols).status == .created, "carol's own sign-in still works")
            // A disabled user's real passkey: the same answer again.
            #expect(try await client.passkeySignIn(daves).text == answers[0])
        }
    }

    /// A signature counter that goes backwards raises `cloned_authenticator`: audited always, and refused when the
    /// policy denies on it — at sign-in and at step-up.
    @Test func aCounterThatGoesBackwardsIsReportedAndThePolicyDecides() async throws {
        let denying = Policy.demoYAML.replacingOccurrences(of: "rules:\n", with: """
            rules:
              - id: no-clones
                match: {risk: {signals: [cloned_authenticator]}}
                deny: This passkey may have been copied; use another way to sign in.

            """)
        for denies in [false, true] {
            let harness = try TestHarness(policyYAML: denies ? denying : Policy.demoYAML)
            try await harness.application().test(.router) { client in
                let user = try await harness.service.createUser(username: "carol", password: "correct horse battery")
                try await harness.knowDevice(of: user)
                let password = try await client.login("carol")
                var device = SoftwareAuthenticator.random()
                #expect(try await client.registerPasskey(&device, token: password, .init(counter: 5)).status == .created)
                #expect(try await client.passkeySignIn(device, .init(counter: 9)).status == .created)
                let cloned = try await client.passkeySignIn(device, .init(counter: 7))
                if denies {
                    expectProblem(cloned, .forbidden, "cloned_authenticator", "sign-in, denying policy")
                } else {
                    #expect(cloned.status == .created, "reported, and the policy does not deny: \(cloned.text)")
                }
                let decided = try #require(try await harness.auditTypes().last { $0.event.type == "login.decided" })
                #expect(decided.event.details["risk_signals"]?.contains("cloned_authenticator") == true)
                #expect(try await harness.auditTypes().contains { $0.event.type == "webauthn.cloned_authenticator" })
                #expect(try await harness.service.passkeys(of: user.id).first?.signCount == 9, "not moved back")

                // At step-up: the same signal, the same policy.
                let token = try #require(try await client.passkeySignIn(device, .init(counter: 10)).json["token"]
                    as? String)
                let decision = try await client.json(.post, "/v1/decisions", token: token, body: [
                    "action": "bank.transfer",
                    "context": ["transaction": ["amount": 5000, "currency": "EUR", "payee": "ACME Ltd"]]])
                let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
                let stepUp = try await client.verifyWithPasskey(id, device, token: token, .init(counter: 10))
                if denies {
                    expectProblem(stepUp, .forbidden, "cloned_authenticator", "step-up, denying policy")
                    #expect(stepUp.json["attempts_left"] as? Int == 4)
                } else {
                    #expect(stepUp.status == .ok, "\(stepUp.text)")
                    let verified = try #require(try await harness.auditTypes().last {
                        $0.event.type == "challenge.verified"
                    })
                    #expect(verified.event.details["cloned_authenticator"]?.contains("counter 10, stored 10") == true)
                }
            }
        }
    }

    @Test func garbageIsABadRequestNeverAServerError() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (_, device, _) = try await harness.userWithPasskey(client)
            let token = try #require(try await client.passkeySignIn(device).json["token"] as? String)
            let options = try await client.json(.post, "/v1/sessions/webauthn/options", body: [String: String]())
            let key = try #require(options.json["public_key"] as? [String: Any])
            let honest = try device.assertion(options: key)
            var generator = SystemRandomNumberGenerator()
            let bodies: [Any] = [
                ["ceremony": "x"], ["credential": honest], ["ceremony": 5, "credential": honest],
                ["ceremony": options.json["ceremony"] ?? "", "credential": ["id": "!!", "response": [
                    "clientDataJSON": "%%%"]]],
                ["ceremony": String(repeating: "A", count: 5_000), "credential": honest],
            ] + (0..<20).map { _ in
                var credential = honest
                var response = credential["response"] as? [String: Any] ?? [:]
                let field = ["clientDataJSON", "authenticatorData", "signature", "userHandle"].randomElement(
                    using: &generator)!
                response[field] = Base64URL.encode((0..<Int.random(in: 0...64, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                })
                credential["response"] = response
                return ["ceremony": options.json["ceremony"] ?? "", "credential": credential] as [String: Any]
            }
            for body in bodies {
                for path in ["/v1/sessions/webauthn", "/v1/factors/webauthn"] {
                    let reply = try await client.json(.post, path, token: token, body: body)
                    #expect(reply.status.code >= 400 && reply.status.code < 500, "\(path): \(reply.text)")
                    #expect(reply.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }
}
