import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCrypto

@Suite("otpauth:// key URIs", .timeLimit(.minutes(5)))
struct OTPAuthURITests {
    @Test func buildsTheKeyURIFormat() {
        let uri = OTPAuthURI(
            issuer: "ACME Co", account: "john.doe@email.com", secret: Array("12345678901234567890".utf8)
        )
        #expect(uri.description == "otpauth://totp/ACME%20Co:john.doe%40email.com"
            + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30")
        let hotp = OTPAuthURI(kind: .hotp, issuer: nil, account: "bob", secret: [1, 2, 3], digits: 8, counter: 42)
        #expect(hotp.description == "otpauth://hotp/bob?secret=AEBAG&algorithm=SHA1&digits=8&counter=42")
    }

    /// The example from Google Authenticator's key URI documentation.
    @Test func parsesTheDocumentedExample() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/ACME%20Co:john.doe@email.com"
            + "?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30")
        #expect(uri.kind == .totp)
        #expect(uri.issuer == "ACME Co")
        #expect(uri.account == "john.doe@email.com")
        #expect(uri.secret == (try Base32.decode("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")))
        #expect(uri.algorithm == .sha1 && uri.digits == 6 && uri.period == 30)
    }

    @Test func roundTrips() throws {
        var rng = SeededGenerator(seed: TestSeed.seed("OTPAuthURITests.roundTrips", fallback: 11))
        for algorithm in OTPAlgorithm.allCases {
            for kind in [OTPAuthURI.Kind.totp, .hotp] {
                let original = OTPAuthURI(
                    kind: kind, issuer: "Stëp Up: Inc & Co", account: "ålice+test@example.com",
                    secret: rng.bytes(20), algorithm: algorithm, digits: 8, period: 60, counter: kind == .hotp ? 7 : 0
                )
                let parsed = try OTPAuthURI(parsing: original.description)
                var expected = original
                if kind == .hotp { expected.period = 30 }
                #expect(parsed == expected)
            }
        }
    }

    @Test func defaultsWhenParametersAreMissing() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
        #expect(uri.issuer == "Example" && uri.account == "alice")
        #expect(uri.algorithm == .sha1 && uri.digits == 6 && uri.period == 30)
    }

    @Test(arguments: [
        "", "http://totp/x?secret=JBSWY3DP", "otpauth://sotp/x?secret=JBSWY3DP", "otpauth://totp/x",
        "otpauth://totp/x?secret=", "otpauth://totp/x?secret=JBSW!", "otpauth://totp/?secret=JBSWY3DP",
        "otpauth://totp/x?secret=JBSWY3DP&digits=5", "otpauth://totp/x?secret=JBSWY3DP&digits=99999999999",
        "otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5", "otpauth://totp/x?secret=JBSWY3DP&period=0",
        "otpauth://hotp/x?secret=JBSWY3DP", "otpauth://hotp/x?secret=JBSWY3DP&counter=-1",
        "otpauth://totp/%ZZ?secret=JBSWY3DP", "otpauth://totp/%FF?secret=JBSWY3DP",
    ])
    func malformedURIsThrow(_ text: String) {
        #expect(throws: OTPError.self) { try OTPAuthURI(parsing: text) }
    }
}
