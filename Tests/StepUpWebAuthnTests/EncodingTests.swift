import Testing

@testable import StepUpWebAuthn

/// base64url (RFC 4648 §10 vectors, strictness), challenges and the amr mapping.
@Suite("base64url, challenges, amr")
struct EncodingTests {
    @Test func base64URLVectors() {
        let vectors = [
            "": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        var rng = SeededRNG(seed: 7)
        for length in 0..<100 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test func base64URLIsStrict() {
        for text in ["Zg==", "Zm8=", "+/+/", "Zm9v\n", "Z", "Zm9vY", "Zh", "Zm9", " Zg", "Zg.", "é"] {
            #expect(Base64URL.decode(text) == nil, "\(text)")
        }
    }

    @Test func noncesAreFreshAndBindingIsSHA256OfNonceAndHash() {
        var rng = SeededRNG(seed: 1)
        let a = WebAuthnChallenge.nonce(using: &rng)
        let b = WebAuthnChallenge.nonce(using: &rng)
        #expect(a.count == 32 && b.count == 32 && a != b)
        // SHA-256("abc") — FIPS 180-2 — when nonce ‖ bindingHash spells "abc".
        #expect(
            WebAuthnChallenge.bound(nonce: Array("ab".utf8), bindingHash: Array("c".utf8))
                == TestHex.bytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(
            WebAuthnChallenge.bound(nonce: a, bindingHash: [1]) != WebAuthnChallenge.bound(nonce: a, bindingHash: [2]))
    }

    @Test func amrFollowsTheFlags() {
        let deviceBound = AuthenticationMethods(userVerified: true, backupEligible: false)
        #expect(deviceBound.amr == ["hwk", "user", "mfa"] && deviceBound.hardwareBound && deviceBound.userVerified)
        let synced = AuthenticationMethods(userVerified: false, backupEligible: true)
        #expect(
            synced.amr == ["swk", "user"] && !synced.hardwareBound && !synced.userVerified && synced.phishingResistant)
        #expect(AuthenticationMethods(userPresent: false, userVerified: false, backupEligible: false).amr == ["hwk"])
    }

    @Test func signCountRegressionFollowsTheSpec() {
        #expect(!AssertionResult.regressed(stored: 0, received: 0), "no counter kept")
        #expect(!AssertionResult.regressed(stored: 0, received: 1))
        #expect(!AssertionResult.regressed(stored: 4, received: 5))
        #expect(AssertionResult.regressed(stored: 5, received: 5))
        #expect(AssertionResult.regressed(stored: 7, received: 3))
        #expect(
            AssertionResult.regressed(stored: 7, received: 0), "a counter that stops counting is a clone signal too")
    }

    @Test func errorsHaveStableCodes() {
        #expect(WebAuthnError.challengeMismatch.identifier == "challenge_mismatch")
        #expect(WebAuthnError.malformedCBOR("x").identifier == "malformed_cbor")
        #expect(WebAuthnError.malformedCBOR("x") == WebAuthnError.malformedCBOR("y"))
        #expect(WebAuthnError.malformedCBOR("x") != WebAuthnError.malformedAuthenticatorData("x"))
        #expect("\(WebAuthnError.userNotVerified)".hasPrefix("user_not_verified: "))
    }
}
