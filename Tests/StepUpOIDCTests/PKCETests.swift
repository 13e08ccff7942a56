import Testing
@testable import StepUpOIDC

@Suite("PKCE (RFC 7636)")
struct PKCETests {
    /// RFC 7636 appendix B.
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    @Test func appendixBVector() {
        #expect(PKCE.s256Challenge(verifier: Self.verifier) == Self.challenge)
        #expect(PKCE.verify(verifier: Self.verifier, challenge: Self.challenge))
        #expect(PKCE.isValidS256Challenge(Self.challenge))
    }

    @Test func aWrongOrMalformedVerifierFails() {
        var forged = Array(Self.verifier)
        forged[5] = forged[5] == "a" ? "b" : "a"
        #expect(!PKCE.verify(verifier: String(forged), challenge: Self.challenge))
        // `plain`: the challenge itself presented as verifier.
        #expect(!PKCE.verify(verifier: Self.challenge, challenge: Self.challenge))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 129)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42) + "+"))
        #expect(PKCE.isValidVerifier(String(repeating: "~", count: 128)))
        #expect(!PKCE.isValidS256Challenge(String(Self.challenge.dropLast())))
        #expect(!PKCE.isValidS256Challenge(String(Self.challenge.dropLast()) + "="))
    }

    @Test func base64URLRoundTrips() {
        for count in 0..<40 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
        #expect(Base64URL.decode("ab+c") == nil)
        #expect(Base64URL.decode("a") == nil)
    }
}
