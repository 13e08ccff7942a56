import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import StepUpTestSupport
import StepUpWebAuthn
import Testing
@testable import StepUpServer

/// Passkeys through the JSON API with a Swift software authenticator: register, step up, sign in without a
/// username, manage; levels and amr from the assertion's own flags.
@Suite("WebAuthn API", .timeLimit(.minutes(5)))
struct WebAuthnAPITests {
    @Test func registerStepUpToAAL3AndSignInWithThePasskeyAlone() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (user, device, token) = try await harness.userWithPasskey(client, username: "dana", roles: ["admin"])
            let listing = try await client.json(.get, "/v1/factors", token: token)
            let factors = try #require(listing.json["factors"] as? [[String: Any]])
            let passkey = try #require(factors.first { $0["kind"] as? String == "webauthn" })
            #expect(passkey["label"] as? String == "Laptop" && passkey["status"] as? String == "active")
            let info = try #require(passkey["webauthn"] as? [String: Any])
            #expect(info["synced"] as? Bool == false)
            #expect(info["credential_id"] as? String == Base64URL.encode(device.credentialId))
            #expect(!listing.text.contains("public_key"), "the public key stays in StepUp")
            #expect(try await harness.auditTypes().contains {
                $0.event.type == "factor.enrolled" && $0.event.details["kind"] == "webauthn"
                    && $0.event.details["synced"] == "false"
            })

            // The admin area needs aal3: a step-up with the device-bound passkey reaches it.
            let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                 body: ["action": "admin.console.view"])
            #expect(decision.json["decision"] as? String == "step_up", "\(decision.text)")
            let challenge = try #require(decision.json["challenge"] as? [String: Any])
            let id = try #require(challenge["id"] as? String)
            #expect((challenge["available_factors"] as? [String])?.contains("webauthn") == true)
            #expect(challenge["webauthn_options_url"] as? String == "/v1/challenges/\(id)/webauthn")
            let verified = try await client.verifyWithPasskey(id, device, token: token)
            #expect(verified.status == .ok && verified.json["status"] as? String == "satisfied", "\(verified.text)")
            let stepped = try await client.level(token)
            #expect(stepped.level == "aal3")
            #expect(stepped.amr == ["pwd", "hwk", "user", "mfa"])
            let allowed = try await client.json(.post, "/v1/decisions", token: token,
                                                body: ["action": "admin.console.view"])
            #expect(allowed.json["decision"] as? String == "allow", "\(allowed.text)")

            // Usernameless sign-in with the passkey alone: aal3, amr from its flags.
            let signIn = try await client.passkeySignIn(device, extra: ["device_id": "laptop"])
            #expect(signIn.status == .created, "\(signIn.text)")
            let passkeyToken = try #require(signIn.json["token"] as? String)
            #expect(signIn.json["step_up"] == nil)
            let session = try await client.level(passkeyToken)
            #expect(session.level == "aal3" && session.amr == ["hwk", "user", "mfa"])
            let current = try await client.json(.get, "/v1/sessions/current", token: passkeyToken)
            #expect((current.json["user"] as? [String: Any])?["id"] as? String == user.id)
            #expect(try await harness.auditTypes().contains {
                $0.event.type == "login.succeeded" && $0.event.details["factors"] == "webauthn"
            })
        }
    }

    @Test func aSyncedPasskeyIsHeldAtAAL2() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (_, device, _) = try await harness.userWithPasskey(client, username: "erin", roles: ["admin"],
                                                                   flags: syncedFlags)
            let signIn = try await client.passkeySignIn(device, .init(flags: syncedFlags))
            let token = try #require(signIn.json["token"] as? String, "\(signIn.text)")
            let session = try await client.level(token)
            #expect(session.level == "aal2" && session.amr == ["swk", "user", "mfa"])
            let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                 body: ["action": "admin.console.view"])
            #expect(decision.json["decision"] as? String == "step_up")
            let challenge = try #require(decision.json["challenge"] as? [String: Any])
            let id = try #require(challenge["id"] as? String)
            #expect(challenge["available_factors"] as? [String] == [], "a synced passkey cannot reach aal3")
            let options = try await client.json(.post, "/v1/challenges/\(id)/webauthn", token: token,
                                                body: [String: String]())
            #expect(options.status == .badRequest && options.json["type"] as? String
                        == "https://stepup.dev/problems/factor-not-allowed", "\(options.text)")
        }
    }

    @Test func aPasswordOnlySessionCannotAddOrRemoveAPasskeyOnceASecondFactorExists() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            // alice has TOTP: her password session cannot start or finish a passkey registration.
            let alice = try await client.login()
            var intruder = SoftwareAuthenticator.random()
            let refused = try await client.registerPasskey(&intruder, token: alice)
            #expect(refused.status == .forbidden && refused.json["type"] as? String
                        == "https://stepup.dev/problems/step-up-required", "\(refused.text)")
            #expect(refused.headers[.wwwAuthenticate]?.contains("insufficient_user_authentication") == true)

            // frank starts two registrations with his password session while he has no second factor; once the
            // first is finished, the second is a factor change like any other and needs a step-up.
            let frank = try await harness.service.createUser(username: "frank", password: "correct horse battery")
            try await harness.knowDevice(of: frank)
            let frankToken = try await client.login("frank")
            var first = SoftwareAuthenticator.random(), second = SoftwareAuthenticator.random()
            let early = try await client.json(.post, "/v1/factors/webauthn/options", token: frankToken,
                                              body: [String: String]())
            let earlyKey = try #require(early.json["public_key"] as? [String: Any])
            #expect(try await client.registerPasskey(&first, token: frankToken).status == .created)
            let late = try await client.json(.post, "/v1/factors/webauthn", token: frankToken, body: [
                "ceremony": early.json["ceremony"] ?? "", "credential": try second.registration(options: earlyKey)])
            #expect(late.status == .forbidden && late.json["challenge_id"] != nil, "\(late.text)")
            #expect(try await harness.service.passkeys(of: frank.id).count == 1)

            // carol's first factor is a passkey (allowed at her session's level); then a new password-only
            // session can neither add another nor remove it.
            let (carol, _, _) = try await harness.userWithPasskey(client)
            let password = try await client.login("carol")
            #expect(try await client.registerPasskey(&intruder, token: password).status == .forbidden)
            let factorID = try #require(try await harness.service.passkeys(of: carol.id).first?.id)
            let removal = try await client.json(.delete, "/v1/factors/\(factorID)", token: password)
            #expect(removal.status == .forbidden && removal.json["challenge_id"] != nil, "\(removal.text)")
            #expect(try await harness.service.passkeys(of: carol.id).count == 1)
            // Someone else's factor is not found, whoever asks.
            let other = try await client.json(.patch, "/v1/factors/\(factorID)", token: alice, body: ["name": "x"])
            #expect(other.status == .notFound)
        }
    }

    @Test func renameAndRemoveAfterAFreshPasskey() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (carol, device, _) = try await harness.userWithPasskey(client)
            let signIn = try await client.passkeySignIn(device)
            let token = try #require(signIn.json["token"] as? String)
            let id = try #require(try await harness.service.passkeys(of: carol.id).first?.id)
            let renamed = try await client.json(.patch, "/v1/factors/\(id)", token: token, body: ["name": "YubiKey 5"])
            #expect(renamed.status == .ok && renamed.json["label"] as? String == "YubiKey 5", "\(renamed.text)")
            let bad = try await client.json(.patch, "/v1/factors/\(id)", token: token, body: ["name": "a\u{7}b"])
            #expect(bad.status == .badRequest && bad.headers[.contentType] == "application/problem+json")
            let listed = try await client.json(.get, "/v1/factors", token: token)
            let first = (listed.json["factors"] as? [[String: Any]])?.first
            #expect(first?["last_used_at"] != nil, "a sign-in records the passkey's last use")
            #expect(try await client.json(.delete, "/v1/factors/\(id)", token: token).status == .noContent)
            #expect(try await harness.service.passkeys(of: carol.id).isEmpty)
            #expect(try await harness.auditTypes().contains {
                $0.event.type == "factor.removed" && $0.event.details["factor"] == id
            })
            // The removed passkey no longer signs in.
            expectProblem(try await client.passkeySignIn(device), .unauthorized, "unknown_credential", "removed")
        }
    }

    /// What you see is what you sign: the assertion for a bound challenge signs SHA-256(nonce ‖ binding hash), so
    /// it approves that transaction only, and its grant cannot be replayed for another one.
    @Test func aBoundAssertionApprovesOnlyItsTransaction() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (_, device, _) = try await harness.userWithPasskey(client)
            let token = try #require(try await client.passkeySignIn(device).json["token"] as? String)
            func transfer(_ amount: Int, grant: String? = nil) async throws -> Reply {
                var body: [String: Any] = ["action": "bank.transfer", "context": ["transaction": [
                    "amount": amount, "currency": "EUR", "payee": "ACME Ltd"]]]
                if let grant { body["grant"] = grant }
                return try await client.json(.post, "/v1/decisions", token: token, body: body)
            }
            let first = try #require((try await transfer(1500).json["challenge"] as? [String: Any])?["id"] as? String)
            let second = try #require((try await transfer(9000).json["challenge"] as? [String: Any])?["id"] as? String)
            let firstOptions = try await client.json(.post, "/v1/challenges/\(first)/webauthn", token: token,
                                                     body: [String: String]())
            let firstKey = try #require(firstOptions.json["public_key"] as? [String: Any])
            // The challenge the authenticator signs is SHA-256(nonce ‖ the transaction's binding hash).
            let sealed = try #require(harness.service.crypto.openCeremony(
                firstOptions.json["ceremony"] as? String ?? "", purpose: .stepUp))
            let stored = try #require(try await harness.store.stores.challenges.challenge(id: first))
            let hash = try #require(stored.bindingHash.flatMap(WebAuthnCeremony.bytes(hex:)))
            #expect(firstKey["challenge"] as? String
                        == Base64URL.encode(WebAuthnChallenge.bound(nonce: sealed.nonceBytes, bindingHash: hash)))
            let assertion = try device.assertion(options: firstKey)
            // The first transaction's ceremony and assertion, sent to the second challenge.
            expectProblem(try await client.json(.post, "/v1/challenges/\(second)/verify", token: token, body: [
                "factor": "webauthn", "ceremony": firstOptions.json["ceremony"] ?? "", "credential": assertion,
            ]), .forbidden, "ceremony_not_yours", "another challenge's ceremony")
            // The second challenge's own ceremony, with the assertion over the first transaction's challenge.
            let challengeBytes = try #require((firstKey["challenge"] as? String).flatMap { Base64URL.decode($0) })
            expectProblem(try await client.verifyWithPasskey(second, device, token: token,
                                                             .init(challenge: challengeBytes)),
                          .unauthorized, "challenge_mismatch", "another transaction's signature")

            let verified = try await client.verifyWithPasskey(first, device, token: token)
            #expect(verified.status == .ok, "\(verified.text)")
            let grant = try #require(verified.json["grant"] as? String)
            #expect(try await transfer(9000, grant: grant).json["decision"] as? String == "step_up")
            #expect(try await transfer(1500, grant: grant).json["decision"] as? String == "allow")
            #expect(try await transfer(1500, grant: grant).json["decision"] as? String == "step_up", "single use")
            let event = try #require(try await harness.auditTypes().last {
                $0.event.type == "challenge.verified" && $0.event.details["challenge"] == first
            })
            #expect(event.event.details["webauthn_challenge"] == "bound")
            #expect(event.event.details["binding_hash"]?.count == 64)
            #expect(event.event.details["credential_id"] == Base64URL.encode(device.credentialId))
        }
    }

    @Test func racingOneAssertionTwentyTimesSucceedsOnce() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (_, device, _) = try await harness.userWithPasskey(client)
            let options = try await client.json(.post, "/v1/sessions/webauthn/options", body: [String: String]())
            let key = try #require(options.json["public_key"] as? [String: Any])
            let body: [String: Any] = ["ceremony": options.json["ceremony"] ?? "",
                                       "credential": try device.assertion(options: key)]
            let payload = try JSONSerialization.data(withJSONObject: body)
            let statuses = try await race(20) { _ in
                let object = try JSONSerialization.jsonObject(with: payload)
                return try await client.json(.post, "/v1/sessions/webauthn", body: object).status
            }
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 19, "\(statuses)")

            // The same for a step-up: one assertion, twenty answers, one satisfied challenge.
            let token = try #require(try await client.passkeySignIn(device).json["token"] as? String)
            let decision = try await client.json(.post, "/v1/decisions", token: token, body: [
                "action": "bank.transfer", "context": ["transaction": ["amount": 5000, "currency": "EUR",
                                                                       "payee": "ACME Ltd"]]])
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            let stepUp = try await client.json(.post, "/v1/challenges/\(id)/webauthn", token: token,
                                               body: [String: String]())
            let stepKey = try #require(stepUp.json["public_key"] as? [String: Any])
            let answer = try JSONSerialization.data(withJSONObject: [
                "factor": "webauthn", "ceremony": stepUp.json["ceremony"] ?? "",
                "credential": try device.assertion(options: stepKey)] as [String: Any])
            let verifications = try await race(20) { _ in
                try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                      body: try JSONSerialization.jsonObject(with: answer)).status
            }
            #expect(verifications.filter { $0 == .ok }.count == 1, "\(verifications)")
        }
    }
}
