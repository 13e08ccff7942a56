import Crypto
import Testing
import _CryptoExtras

@testable import StepUpWebAuthn

/// COSE keys: the three algorithms verify their own signatures (RFC 8032 vectors for Ed25519), and keys whose
/// type, curve and algorithm disagree are refused.
@Suite("COSE keys")
struct COSEKeyTests {
    static func ed25519(_ x: [UInt8], alg: CBOR = -8, crv: CBOR = 6, kty: CBOR = 1) -> [UInt8] {
        CBOR.map([1: kty, 3: alg, -1: crv, -2: .bytes(x)]).encoded()
    }

    static func ec2(_ raw: [UInt8], alg: CBOR = -7, crv: CBOR = 1, kty: CBOR = 2) -> [UInt8] {
        CBOR.map([1: kty, 3: alg, -1: crv, -2: .bytes(Array(raw[..<32])), -3: .bytes(Array(raw[32...]))]).encoded()
    }

    static func rsa(_ key: _RSA.Signing.PublicKey) throws -> [UInt8] {
        let n = try key.getKeyPrimitives()
        return CBOR.map([1: 3, 3: -257, -1: .bytes(Array(n.modulus)), -2: .bytes(Array(n.publicExponent))]).encoded()
    }

    /// RFC 8032 §7.1 tests 1 and 2.
    @Test func ed25519RFC8032Vectors() throws {
        let vectors = [
            (
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                    + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            ),
            (
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                    + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
            ),
        ]
        for (publicKey, message, signature) in vectors {
            let key = try COSEKey(bytes: Self.ed25519(TestHex.bytes(publicKey)))
            #expect(key.algorithm == .eddsa)
            #expect(key.isValidSignature(TestHex.bytes(signature), for: TestHex.bytes(message)))
            #expect(!key.isValidSignature(TestHex.bytes(signature), for: TestHex.bytes(message) + [0]))
            var flipped = TestHex.bytes(signature)
            flipped[5] ^= 1
            #expect(throws: WebAuthnError.badSignature("")) {
                try key.verify(signature: flipped, over: TestHex.bytes(message))
            }
        }
    }

    @Test func es256TakesDERSignaturesOnly() throws {
        let signer = P256.Signing.PrivateKey()
        let key = try COSEKey(bytes: Self.ec2(Array(signer.publicKey.rawRepresentation)))
        let message: [UInt8] = Array("authenticator data ‖ client data hash".utf8)
        let signature = try signer.signature(for: message)
        #expect(key.isValidSignature(Array(signature.derRepresentation), for: message))
        #expect(
            !key.isValidSignature(Array(signature.rawRepresentation), for: message), "raw r‖s is not WebAuthn's form")
        #expect(!key.isValidSignature(Array(signature.derRepresentation) + [0], for: message), "DER with trailing byte")
        #expect(!key.isValidSignature([], for: message))
    }

    @Test func rs256VerifiesPKCS1AndRefusesShortModuli() throws {
        let signer = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let key = try COSEKey(bytes: try Self.rsa(signer.publicKey))
        let message: [UInt8] = Array("hello".utf8)
        let signature = try signer.signature(for: message, padding: .insecurePKCS1v1_5)
        #expect(key.isValidSignature(Array(signature.rawRepresentation), for: message))
        let pss = try signer.signature(for: message, padding: .PSS)
        #expect(!key.isValidSignature(Array(pss.rawRepresentation), for: message), "PSS is PS256, not RS256")
        let weak = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: try Self.rsa(weak.publicKey)) }
    }

    @Test func typeCurveAndAlgorithmMustAgree() throws {
        let raw = Array(P256.Signing.PrivateKey().publicKey.rawRepresentation)
        let ed = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        #expect(throws: Never.self) { try COSEKey(bytes: Self.ec2(raw)) }
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: Self.ec2(raw, crv: 2)) }
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: Self.ec2(raw, kty: 1)) }
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: Self.ec2(raw, alg: -8)) }
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: Self.ed25519(ed, crv: 1)) }
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: Self.ed25519(ed, alg: -7)) }
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: Self.ed25519(Array(ed.dropLast()))) }
        #expect(throws: WebAuthnError.unsupportedAlgorithm("")) { try COSEKey(bytes: Self.ec2(raw, alg: -35)) }
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: CBOR.map([1: 2, -1: 1]).encoded()) }
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: CBOR.array([1]).encoded()) }
        var offCurve = raw
        offCurve[63] ^= 1
        #expect(throws: WebAuthnError.malformedPublicKey("")) { try COSEKey(bytes: Self.ec2(offCurve)) }
        #expect(throws: WebAuthnError.malformedCBOR("")) { try COSEKey(bytes: Self.ec2(raw) + [0]) }
    }
}
