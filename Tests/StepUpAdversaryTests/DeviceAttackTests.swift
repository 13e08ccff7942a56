import Crypto
import Foundation
import HTTPTypes
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing
@testable import StepUpServer

/// Items 2 and 12 of issue #8: devices are proven, never named.
@Suite("Attacks on device identity", .timeLimit(.minutes(5)))
struct DeviceAttackTests {
    /// Item 2, the takeover path: read the owner's device id, sign in naming it, print recovery codes, approve
    /// a large transfer. Every step now fails.
    @Test func naming_the_owners_device_gets_the_attacker_nothing() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret, ip: "192.0.2.10")
            let listing = try await client.send(.get, "/v1/devices", token: owner.token, ip: "192.0.2.10")
            let devices = try #require(listing.json["devices"] as? [[String: Any]])
            let ownerDevice = try #require(devices.first?["id"] as? String)
            #expect(ownerDevice.hasPrefix("dv_"))
            #expect(!listing.text.contains(try #require(owner.deviceSecret)), "the list never shows a secret")

            // The attacker has the password and the device id, and claims the device every way the API offers.
            for claim in [(label: ownerDevice, secret: nil), (label: nil, secret: ownerDevice)] as [(String?, String?)] {
                let reply = try await client.signIn(deviceSecret: claim.1, label: claim.0, ip: "198.51.100.66")
                #expect(reply.status == .created)
                let stepUp = reply.json["step_up"] as? [String: Any]
                #expect(stepUp != nil, "a named device is a new device: the sign-in is stepped up")
                let token = try #require(reply.json["token"] as? String)
                let codes = try await client.send(.post, "/v1/factors/recovery-codes", token: token, ip: "198.51.100.66")
                #expect(codes.status == .unauthorized, "\(codes.text)")
                #expect(!codes.text.contains("codes\":["))
            }
            // A decision cannot name a device either: with the owner's first device revoked, a decision on that
            // session naming another known device is still judged on its own (now new) device.
            let second = try await client.fullSignIn(server, secret: secret, ip: "192.0.2.10")
            let known = try #require(try await client.send(.get, "/v1/devices", token: second.token, ip: "192.0.2.10")
                .json["devices"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            let secondDevice = try #require(known.first { $0 != ownerDevice })
            let user = try #require(try await server.store.user(username: "alice"))
            try await server.store.revokeDevice(userID: user.id, deviceID: ownerDevice)
            let named = try await client.send(.post, "/v1/decisions", token: owner.token,
                                              json: ["action": "bank.balance.view",
                                                     "context": ["device_id": secondDevice]], ip: "192.0.2.10")
            let signals = ((named.json["risk"] as? [String: Any])?["signals"] as? [[String: Any]] ?? [])
                .compactMap { $0["name"] as? String }
            #expect(signals.contains("new_device"), "the named device is ignored: \(named.text)")
        }
    }

    /// Item 2: even a fully signed-in session needs a fresh second factor to print recovery codes (the policy's
    /// `account.factors.manage`), so a password alone never reaches a code that approves a transfer.
    @Test func recoveryCodesNeedAFreshSecondFactor() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            server.clock.advance(20 * 60)
            let codes = try await client.send(.post, "/v1/factors/recovery-codes", token: owner.token)
            #expect(codes.status == .forbidden)
            #expect(codes.problemType == "step-up-required")
            #expect(codes.headers[.wwwAuthenticate]?.contains("insufficient_user_authentication") == true)
        }
    }

    /// A device proof's nonce is spent before the signature is checked: of 8 racing proofs exactly one passes.
    @Test func aDeviceNonceWorksOnceUnderARace() async throws {
        try await AdversaryServer.with(policyYAML: Policy.defaultYAML) { server, client in
            try await server.user(totp: false)
            let key = P256.Signing.PrivateKey()
            let nonce = try #require(try await client.send(.get, "/v1/devices/nonce").json["nonce"] as? String)
            let signature = try key.signature(for: Data(nonce.utf8)).derRepresentation.base64EncodedString()
            nonisolated(unsafe) let proof: [String: Any] = ["public_key": key.publicKey.derRepresentation.base64EncodedString(),
                                        "nonce": nonce, "signature": signature]
            let replies = try await race(8) { index in
                try await client.send(.post, "/v1/sessions", json: ["username": "alice",
                                                                  "password": "correct horse battery",
                                                                  "device_proof": proof],
                                      ip: "198.51.100.\(index + 1)")
            }
            #expect(replies.filter { $0.status == .created }.count == 1)
            #expect(replies.filter { $0.problemType == "invalid-device-proof" }.count == 7)
        }
    }

    /// Item 12: a revoked device can be trusted again; removing a device is a sensitive action.
    @Test func revocationCanBeUndoneAndRemovingNeedsAStepUp() async throws {
        try await AdversaryServer.with { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            let devices = try #require(try await client.send(.get, "/v1/devices", token: owner.token)
                .json["devices"] as? [[String: Any]])
            let id = try #require(devices.first?["id"] as? String)
            server.clock.advance(20 * 60)
            let stale = try await client.send(.delete, "/v1/devices/\(id)", token: owner.token)
            #expect(stale.status == .forbidden)
            #expect(stale.problemType == "step-up-required")
            let challenge = try #require(stale.json["challenge_id"] as? String)
            _ = try await client.send(.post, "/v1/challenges/\(challenge)/verify", token: owner.token,
                                      json: ["factor": "totp", "code": server.code(secret)])
            #expect(try await client.send(.delete, "/v1/devices/\(id)", token: owner.token).status == .noContent)
            let user = try #require(try await server.store.user(username: "alice"))
            #expect(try await server.store.device(userID: user.id, deviceID: id)?.revoked == true)
            try await server.service.adminTrustDevice(user: user, deviceID: id,
                                                      until: server.clock.now.addingTimeInterval(86_400), by: "test")
            let restored = try #require(try await server.store.device(userID: user.id, deviceID: id))
            #expect(restored.revoked == false)
            #expect(restored.isTrusted(at: server.clock.now))
        }
    }
}
