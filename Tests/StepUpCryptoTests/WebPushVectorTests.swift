import Crypto
import Foundation
import Testing
@testable import StepUpCrypto

@Suite("Web Push encryption (RFC 8291) and VAPID (RFC 8292)", .timeLimit(.minutes(5)))
struct WebPushVectorTests {
    static func b64(_ text: String) throws -> [UInt8] { try #require(VAPID.decodeBase64URL(text)) }

    /// RFC 8291 Appendix A, byte for byte.
    @Test func encryptionMatchesRFC8291AppendixA() throws {
        let sender = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"))
        #expect(Base64.encode(Array(sender.publicKey.x963Representation), alphabet: Base64.url)
            == "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8")
        let body = try WebPushEncryption.encrypt(
            Array("When I grow up, I want to be a watermelon".utf8),
            receiverKey: Self.b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
            authSecret: Self.b64("BTBZMqHH6r4Tts7J_aSIgg"), senderKey: sender, salt: Self.b64("DGv6ra1nlYgDCS1FRnbzlw"))
        #expect(Base64.encode(body, alphabet: Base64.url)
            == "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")
    }

    @Test func badSubscriptionsAreRefused() throws {
        let auth = [UInt8](repeating: 1, count: 16)
        #expect(throws: WebPushEncryption.Failure.self) {
            try WebPushEncryption.encrypt([1], receiverKey: [4] + [UInt8](repeating: 0, count: 64), authSecret: auth)
        }
        let receiver = Array(P256.KeyAgreement.PrivateKey().publicKey.x963Representation)
        #expect(throws: WebPushEncryption.Failure.self) {
            try WebPushEncryption.encrypt([1], receiverKey: receiver, authSecret: [1, 2])
        }
        #expect(throws: WebPushEncryption.Failure.self) {
            try WebPushEncryption.encrypt([UInt8](repeating: 0, count: 5_000), receiverKey: receiver, authSecret: auth)
        }
    }

    @Test func vapidTokensVerifyWithTheirKeyAndNameTheOrigin() throws {
        let vapid = VAPID(key: P256.Signing.PrivateKey(), subject: "mailto:ops@example.com")
        let header = try vapid.authorization(endpoint: "https://push.example.net:8443/wpush/abc?x=1",
                                             now: Date(timeIntervalSince1970: 1_800_000_000))
        let parts = header.split(separator: " ")
        #expect(parts.first == "vapid")
        let token = String(try #require(header.firstMatch(of: /t=([^,]+),/)?.output.1))
        #expect(header.hasSuffix(", k=\(vapid.publicKey)"))
        let pieces = token.split(separator: ".").map(String.init)
        #expect(pieces.count == 3)
        let claims = try #require(try JSONSerialization.jsonObject(with: Data(Self.b64(pieces[1]))) as? [String: Any])
        #expect(claims["aud"] as? String == "https://push.example.net:8443")
        #expect(claims["exp"] as? Int == 1_800_000_000 + 43_200)
        #expect(claims["sub"] as? String == "mailto:ops@example.com")
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: Self.b64(pieces[2]))
        #expect(vapid.key.publicKey.isValidSignature(signature, for: Array((pieces[0] + "." + pieces[1]).utf8)))
    }
}
