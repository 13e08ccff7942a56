import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

@Suite("Devices", .timeLimit(.minutes(5)))
struct DeviceAPITests {
    /// Signs a fresh nonce with `key`, as a mobile app would.
    static func proof(_ client: some TestClientProtocol, key: P256.Signing.PrivateKey) async throws -> [String: String] {
        let nonce = try #require(try await client.json(.get, "/v1/devices/nonce").json["nonce"] as? String)
        let signature = try key.signature(for: Data(nonce.utf8)).derRepresentation
        return ["public_key": key.publicKey.derRepresentation.base64EncodedString(), "nonce": nonce,
                "signature": signature.base64EncodedString()]
    }

    @Test func aDeviceKeyProvesTheDeviceAndEachNonceWorksOnce() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        let key = P256.Signing.PrivateKey()
        try await harness.application().test(.router) { client in
            let proof = try await Self.proof(client, key: key)
            let login = try await client.json(.post, "/v1/sessions", body: [
                "username": "alice", "password": "correct horse battery", "device_proof": proof,
            ] as [String: Any])
            #expect(login.status == .created, "\(login.text)")
            let token = try #require(login.json["token"] as? String)
            let replay = try await client.json(.post, "/v1/sessions", body: [
                "username": "alice", "password": "correct horse battery", "device_proof": proof,
            ] as [String: Any])
            #expect(replay.status == .badRequest)
            #expect((replay.json["detail"] as? String)?.contains("already used") == true)

            var forged = try await Self.proof(client, key: key)
            forged["public_key"] = P256.Signing.PrivateKey().publicKey.derRepresentation.base64EncodedString()
            let wrongKey = try await client.json(.post, "/v1/sessions", body: [
                "username": "alice", "password": "correct horse battery", "device_proof": forged,
            ] as [String: Any])
            #expect(wrongKey.status == .badRequest)

            // The step-up makes the proven device known; the next proof from the same key is the same device.
            let stepUp = try #require((login.json["step_up"] as? [String: Any])?["id"] as? String)
            let verified = try await client.json(.post, "/v1/challenges/\(stepUp)/verify", token: token,
                                                 body: ["factor": "totp", "code": harness.totp(secret)])
            #expect(verified.status == .ok, "\(verified.text)")
            let usable = try #require(verified.json["token"] as? String, "completing the sign-in issues its token")
            #expect(try await client.json(.get, "/v1/devices", token: token).status == .unauthorized)
            let devices = try await client.json(.get, "/v1/devices", token: usable)
            let listed = try #require(devices.json["devices"] as? [[String: Any]])
            let id = try #require(listed.first?["id"] as? String)
            #expect(id.hasPrefix("dk_") && listed.first?["current"] as? Bool == true)

            let again = try await client.json(.post, "/v1/sessions", body: [
                "username": "alice", "password": "correct horse battery",
                "device_proof": try await Self.proof(client, key: key),
            ] as [String: Any])
            #expect(again.status == .created)
            #expect(again.json["step_up"] == nil, "a known, proven device signs in without a step-up: \(again.text)")
        }
    }

    @Test func trustNeedsARecentSecondFactorAndRevocationUndoesIt() async throws {
        let harness = try TestHarness()
        let (user, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            let early = try await client.json(.post, "/v1/devices/current/trust", token: token)
            #expect(early.status == .forbidden)
            let decision = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bank.export"])
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            _ = try await client.json(.post, "/v1/challenges/\(id)/verify", token: token,
                                      body: ["factor": "totp", "code": harness.totp(secret)])
            let trusted = try await client.json(.post, "/v1/devices/current/trust", token: token)
            #expect(trusted.status == .ok, "\(trusted.text)")
            #expect(trusted.json["trusted_until"] != nil)
            let record = try await harness.store.stores.devices.device(userID: user.id, deviceID: TestHarness.deviceID)
            #expect(record?.isTrusted(at: harness.clock.now) == true)

            let revoked = try await client.json(.delete, "/v1/devices/\(TestHarness.deviceID)", token: token)
            #expect(revoked.status == .noContent)
            let after = try await client.json(.post, "/v1/decisions", token: token, body: ["action": "bank.balance.view"])
            let signals = (after.json["risk"] as? [String: Any])?["signals"] as? [[String: Any]] ?? []
            #expect(signals.contains { $0["name"] as? String == "new_device" }, "a revoked device is new again")
            let missing = try await client.json(.delete, "/v1/devices/nope", token: token)
            #expect(missing.status == .notFound)
        }
        let types = try await harness.store.stores.audit.auditEvents(after: 0, limit: 200).map(\.event.type)
        #expect(types.contains("device.trusted") && types.contains("device.revoked"))
    }
}
