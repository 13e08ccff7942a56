import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import StepUpCrypto
import Testing
@testable import StepUpServer

@Suite("Factor enrollment", .timeLimit(.minutes(5)))
struct EnrollmentAPITests {
    @Test func totpEnrollmentNeedsAConfirmingCodeAndSealsTheSecret() async throws {
        let harness = try TestHarness()
        let user = try await harness.service.createUser(username: "carol", password: "carol's long password")
        try await harness.application().test(.router) { client in
            let token = try await client.login("carol", "carol's long password")
            let started = try await client.json(.post, "/v1/factors/totp", token: token, body: [String: String]())
            #expect(started.status == .created, "\(started.text)")
            let secretText = try #require(started.json["secret"] as? String)
            let uri = try #require(started.json["otpauth_uri"] as? String)
            #expect(uri.hasPrefix("otpauth://totp/") && uri.contains("secret=\(secretText)"))
            let factorID = try #require(started.json["factor_id"] as? String)

            // At rest the secret is sealed, bound to its owner and factor.
            let record = try #require(try await harness.store.stores.factors.factor(id: factorID))
            let sealed = try #require(record.sealedSecret)
            let secret = try requireBase32(secretText)
            #expect(!sealed.range(of: Data(secret)).map { _ in true }.isSome)
            #expect(record.status == .pending)

            let wrong = try await client.json(.post, "/v1/factors/totp/\(factorID)/confirm", token: token,
                                              body: ["code": "123456"])
            #expect(wrong.status == .unauthorized)
            let confirmed = try await client.json(.post, "/v1/factors/totp/\(factorID)/confirm", token: token,
                                                  body: ["code": harness.totp(secret)])
            #expect(confirmed.status == .ok, "\(confirmed.text)")
            let listing = try await client.json(.get, "/v1/factors", token: token)
            let factors = try #require(listing.json["factors"] as? [[String: Any]])
            #expect(factors.first?["status"] as? String == "active")
            #expect(listing.text.contains(secretText) == false)

            // Now that carol has a second factor, adding more needs a step-up first (RFC 9470 challenge).
            let more = try await client.json(.post, "/v1/factors/recovery-codes", token: token, body: [String: String]())
            #expect(more.status == .forbidden)
            #expect(more.headers[.wwwAuthenticate]?.contains("insufficient_user_authentication") == true)
            let challengeID = try #require(more.json["challenge_id"] as? String)
            harness.clock.advance(30)
            let verified = try await client.json(.post, "/v1/challenges/\(challengeID)/verify", token: token,
                                                 body: ["factor": "totp", "code": harness.totp(secret)])
            #expect(verified.status == .ok, "\(verified.text)")
            let codes = try await client.json(.post, "/v1/factors/recovery-codes", token: token, body: [String: String]())
            #expect(codes.status == .created, "\(codes.text)")
            #expect((codes.json["codes"] as? [String])?.count ?? 0 >= 10)
        }
        let stored = try await harness.store.stores.recoveryCodes.unusedRecoveryCodes(userID: user.id)
        #expect(stored.count >= 10)
        let types = try await harness.store.stores.audit.auditEvents(after: 0, limit: 100).map(\.event.type)
        #expect(types.contains("factor.enrolled") && types.contains("factor.recovery_codes_generated"))
    }
}

private extension Optional {
    var isSome: Bool { self != nil }
}
