import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// The clocks on devices: a nonce works for 5 minutes; "this was me" needs a second factor from the last
/// 15 minutes and trusts the device for 30 days.
@Suite("Device time limits", .timeLimit(.minutes(5)))
struct DeviceLifetimeTests {
    static func signIn(_ client: some TestClientProtocol, proof: [String: String]) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, json: [String: Any], text: String)
    {
        try await client.json(.post, "/v1/sessions", body: [
            "username": "alice", "password": "correct horse battery", "device_proof": proof,
        ] as [String: Any])
    }

    @Test func aDeviceNonceWorksForFiveMinutes() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        let key = P256.Signing.PrivateKey()
        try await harness.application().test(.router) { client in
            let issued = try await client.json(.get, "/v1/devices/nonce")
            #expect(issued.json["expires_in"] as? Int == 300)

            let stale = try await DeviceAPITests.proof(client, key: key)
            harness.clock.advance(301)
            let refused = try await Self.signIn(client, proof: stale)
            #expect(refused.status == .badRequest, "\(refused.text)")
            #expect((refused.json["detail"] as? String)?.contains("expired") == true, "\(refused.text)")

            let fresh = try await DeviceAPITests.proof(client, key: key)
            harness.clock.advance(299)
            let accepted = try await Self.signIn(client, proof: fresh)
            #expect(accepted.status == .created, "a nonce 299 s old still works: \(accepted.text)")
        }
    }

    /// Signs in on the test device and steps up with TOTP (`bank.export` needs aal2); returns the token.
    static func steppedUp(_ client: some TestClientProtocol, _ harness: TestHarness, secret: [UInt8]) async throws
        -> String
    {
        let token = try await client.login()
        let decision = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bank.export"])
        let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String, "\(decision.text)")
        let verified = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                             body: ["factor": "totp", "code": harness.totp(secret)])
        #expect(verified.status == .ok, "\(verified.text)")
        return token
    }

    @Test func thisWasMeNeedsASecondFactorFromTheLast15Minutes() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let late = try await Self.steppedUp(client, harness, secret: secret)
            harness.clock.advance(15 * 60 + 1)
            let refused = try await client.json(.post, "/v1/devices/current/trust", token: late)
            #expect(refused.status == .forbidden, "\(refused.text)")

            let inTime = try await Self.steppedUp(client, harness, secret: secret)
            harness.clock.advance(15 * 60 - 1)
            let trusted = try await client.json(.post, "/v1/devices/current/trust", token: inTime)
            #expect(trusted.status == .ok, "\(trusted.text)")
        }
    }

    @Test func trustLastsThirtyDays() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await Self.steppedUp(client, harness, secret: secret)
            let trustedAt = harness.clock.now
            let trusted = try await client.json(.post, "/v1/devices/current/trust", token: token)
            let until = try #require((trusted.json["trusted_until"] as? String).flatMap {
                ISO8601DateFormatter().date(from: $0)
            }, "\(trusted.text)")
            #expect(until == trustedAt.addingTimeInterval(30 * 86_400))

            // Sessions last 7 days; sign in again near the end of the trust and read the account page.
            func accountPage(_ token: String) async throws -> String {
                try await client.execute(uri: "/account", method: .get,
                                         headers: [.cookie: "stepup_session=\(token)", .accept: "text/html"]) {
                    String(buffer: $0.body)
                }
            }
            harness.clock.advance(30 * 86_400 - 60)
            let later = try await client.login()
            #expect(try await accountPage(later).contains("trusted until"), "trusted 60 s before the end")
            harness.clock.advance(120)
            #expect(try await !accountPage(later).contains("trusted until"), "no longer trusted after 30 days")
            let record = try await harness.store.stores.devices.device(userID: try #require(
                try await harness.store.stores.credentials.user(username: "alice")).id, deviceID: TestHarness.deviceID)
            #expect(record?.isTrusted(at: harness.clock.now) == false)
            #expect(record?.isTrusted(at: harness.clock.now.addingTimeInterval(-120)) == true)
        }
    }
}
