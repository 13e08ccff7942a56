import Foundation
import StepUpCore
import Testing
@testable import StepUpServer

/// The server's binding hash is SHA-256 hex of the canonical text: pinned digests (re-derived with Python's
/// hashlib in `BindingHashVectorTests`), and the hash a real challenge carries.
@Suite("Binding hash in the server", .timeLimit(.minutes(5)))
struct BindingHashTests {
    @Test func theServerHashesTheCanonicalTextToKnownDigests() {
        let pinned = [
            (#"{"action":"bank.transfer","fields":{"amount":1500,"currency":"EUR","payee":"ACME Ltd"},"v":2}"#,
             "8d2848e5091e74639dc9350a3e4cbff12b6af3622b0d82f641123332903c9393"),
            (#"{"action":"bank.transfer","fields":{"amount":"1500"},"v":2}"#,
             "6adad34092ee077b73d64006aad25f31bc4ce6dd5011b6b7a4833cac9a7654bf"),
        ]
        for (text, digest) in pinned { #expect(StepUpService.sha256Hex(text) == digest) }
    }

    @Test func aChallengeCarriesTheHashOfItsTransaction() async throws {
        let harness = try TestHarness()
        let (user, _) = try await harness.aliceWithTOTP()
        let login = try await harness.service.login(LoginAttempt(username: "alice", password: "correct horse battery"),
                                                    client: ClientInfo(ip: "127.0.0.1",
                                                                       deviceID: TestHarness.deviceID))
        let request = ActionRequest(action: "bank.transfer", context: RequestContext(transaction: [
            "amount": 1500, "currency": "EUR", "payee": "ACME Ltd",
        ]))
        let outcome = try await harness.service.decide(session: login.session, user: user, request: request,
                                                       grantID: nil, client: ClientInfo(ip: "127.0.0.1"))
        let challenge = try #require(outcome.stepUp?.challenge)
        #expect(challenge.bindingHash == "8d2848e5091e74639dc9350a3e4cbff12b6af3622b0d82f641123332903c9393")
    }
}
