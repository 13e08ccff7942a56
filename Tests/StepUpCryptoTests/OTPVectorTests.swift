import Foundation
import Testing
@testable import StepUpCrypto

@Suite("HOTP/TOTP RFC vectors", .timeLimit(.minutes(5)))
struct OTPVectorTests {
    /// RFC 4226 Appendix D: secret "12345678901234567890", counters 0...9.
    @Test func rfc4226AppendixD() throws {
        let hotp = try HOTP(secret: Array("12345678901234567890".utf8))
        let expected = ["755224", "287082", "359152", "969429", "338314",
                        "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { hotp.code(counter: UInt64($0)) } == expected)
    }

    static let seeds: [OTPAlgorithm: String] = [
        .sha1: "12345678901234567890",
        .sha256: "12345678901234567890123456789012",
        .sha512: "1234567890123456789012345678901234567890123456789012345678901234",
    ]

    /// RFC 6238 Appendix B: 8 digits, 30 s steps, all three hash functions.
    @Test(arguments: [
        (Int64(59), "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ])
    func rfc6238AppendixB(time: Int64, sha1: String, sha256: String, sha512: String) throws {
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        for (algorithm, expected) in [(OTPAlgorithm.sha1, sha1), (.sha256, sha256), (.sha512, sha512)] {
            let totp = try TOTP(secret: Array(Self.seeds[algorithm]!.utf8), digits: 8, algorithm: algorithm)
            #expect(totp.code(at: date) == expected, "\(algorithm) at \(time)")
        }
    }

    /// RFC 4648 §10 base32 vectors.
    @Test func base32RFC4648() throws {
        let vectors = ["": "", "f": "MY======", "fo": "MZXQ====", "foo": "MZXW6===", "foob": "MZXW6YQ=",
                       "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI======"]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8), padded: true) == encoded)
            #expect(try Base32.decode(encoded) == Array(plain.utf8))
            let relaxed = encoded.lowercased().replacingOccurrences(of: "=", with: "")
            #expect(try Base32.decode(relaxed) == Array(plain.utf8))
        }
        #expect(try Base32.decode("MZXW 6YTB-OI") == Array("foobar".utf8))
        for bad in ["M", "MZX", "MZXW6Y", "MZ1W", "MZ!W", "ä"] {
            #expect(throws: OTPError.invalidBase32("")) { try Base32.decode(bad) }
        }
    }

    @Test func refusesBadParameters() {
        #expect(throws: OTPError.self) { try HOTP(secret: [1], digits: 5) }
        #expect(throws: OTPError.self) { try HOTP(secret: [1], digits: 9) }
        #expect(throws: OTPError.self) { try HOTP(secret: []) }
        #expect(throws: OTPError.self) { try TOTP(secret: [1], period: 0) }
    }
}
