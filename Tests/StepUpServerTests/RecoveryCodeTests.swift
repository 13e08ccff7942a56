import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// "Recovery codes … each usable once" — the same code used twice through the API, on both paths that take one.
@Suite("Recovery codes", .timeLimit(.minutes(5)))
struct RecoveryCodeTests {
    static func challenge(_ client: some TestClientProtocol, token: String, amount: Int) async throws -> String {
        let decision = try await client.json(.post, "/v1/decisions", token: token,
                                             body: DecisionAPITests.transfer(Double(amount)))
        return try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String, "\(decision.text)")
    }

    @Test func aRecoveryCodeWorksOnceOnChallengesAndAtSignIn() async throws {
        let harness = try TestHarness { $0.login.maxFailuresPerAccount = 2 }
        let (user, _) = try await harness.aliceWithTOTP()
        let codes = try await harness.service.regenerateRecoveryCodes(user: user, client: ClientInfo(ip: nil))
        try #require(codes.count == 10)
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let first = try await Self.challenge(client, token: token, amount: 5_000)
            let used = try await client.json(.post, "/v1/challenges/\(first)/verify", token: token,
                                             body: ["factor": "recovery_code", "code": codes[0]])
            #expect(used.status == .ok, "\(used.text)")

            let second = try await Self.challenge(client, token: token, amount: 6_000)
            let reused = try await client.json(.post, "/v1/challenges/\(second)/verify", token: token,
                                               body: ["factor": "recovery_code", "code": codes[0]])
            #expect(reused.status == .unauthorized, "\(reused.text)")
            #expect(reused.json["attempts_left"] as? Int == 4)
            // The refusal was about that code: another one, typed sloppily, completes the same challenge.
            let sloppy = codes[1].replacingOccurrences(of: "-", with: " ").lowercased()
            let other = try await client.json(.post, "/v1/challenges/\(second)/verify", token: token,
                                              body: ["factor": "recovery_code", "code": sloppy])
            #expect(other.status == .ok, "\(other.text)")

            // Over the account's failure limit a sign-in from a new device needs a one-time code with the password.
            for _ in 0..<2 {
                _ = try await client.json(.post, "/v1/sessions", body: ["username": "alice", "password": "guess-guess"])
            }
            for (code, expected) in [(codes[0], HTTPResponse.Status.unauthorized), (codes[1], .unauthorized),
                                     (codes[2], .created), (codes[2], .unauthorized)] {
                let signIn = try await client.json(.post, "/v1/sessions", body: [
                    "username": "alice", "password": "correct horse battery", "otp": code,
                ])
                #expect(signIn.status == expected, "\(code): \(signIn.text)")
            }
            let listing = try await client.json(.get, "/v1/factors", token: token)
            #expect(listing.json["recovery_codes_left"] as? Int == 7, "\(listing.text)")
        }
        #expect(try await harness.store.stores.recoveryCodes.unusedRecoveryCodes(userID: user.id).count == 7)
    }
}
