import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCrypto

/// Our `otpauth://` URIs read by an independent parser (pyotp's `parse_uri`, what many apps' backends use), and
/// pyotp's own provisioning URIs read by ours.
@Suite("otpauth:// URIs against pyotp", .ownThread, .timeLimit(.minutes(5)))
struct OTPAuthURIInteropTests {
    struct Parsed: Codable, Equatable {
        var kind: String, name: String, issuer: String?, secret: String, digits: Int, algorithm: String
        var period: Int?, counter: Int?
    }

    @Test func pyotpReadsOurURIs() throws {
        guard TestSupport.require("python3", pythonModules: ["pyotp"]) else { return }
        let seed = TestSeed.seed("OTPAuthURIInteropTests.pyotpReadsOurURIs", fallback: 15)
        var rng = SeededGenerator(seed: seed)
        let issuers: [String?] = [nil, "ACME Co", "Stëp Up: Inc & Co", "a/b?c=d#e"]
        let accounts = ["alice", "john.doe@email.com", "ålice+test@example.com", "name with spaces", "x%41y"]
        var uris: [OTPAuthURI] = []
        for index in 0..<24 {
            let kind: OTPAuthURI.Kind = index % 3 == 2 ? .hotp : .totp
            uris.append(OTPAuthURI(
                kind: kind, issuer: issuers[index % issuers.count], account: accounts[index % accounts.count],
                secret: rng.bytes(Int.random(in: 16...40, using: &rng)),  // pyotp refuses under 112 bits
                algorithm: OTPAlgorithm.allCases[index % 3], digits: [6, 7, 8][index / 3 % 3],
                period: [30, 60, 15][index / 9 % 3], counter: kind == .hotp ? UInt64(index * 1000) : 0))
        }
        let script = """
        import sys, json, pyotp
        out = []
        for text in json.load(sys.stdin):
            o = pyotp.parse_uri(text)
            hotp = isinstance(o, pyotp.HOTP)
            out.append({"kind": "hotp" if hotp else "totp", "name": o.name, "issuer": o.issuer, "secret": o.secret,
                        "digits": o.digits, "algorithm": o.digest().name.upper(),
                        "period": None if hotp else o.interval, "counter": o.initial_count if hotp else None})
        print(json.dumps(out))
        """
        let parsed = try TestSupport.python(script, input: uris.map(\.description), as: [Parsed].self)
        #expect(parsed.count == uris.count)
        for (uri, theirs) in zip(uris, parsed) {
            let expected = Parsed(
                kind: uri.kind.rawValue, name: uri.account, issuer: uri.issuer, secret: Base32.encode(uri.secret),
                digits: uri.digits, algorithm: uri.algorithm.rawValue, period: uri.kind == .totp ? uri.period : nil,
                counter: uri.kind == .hotp ? Int(uri.counter) : nil)
            #expect(theirs == expected, "seed \(seed): \(uri.description)")
        }
    }

    @Test func weReadPyotpProvisioningURIs() throws {
        guard TestSupport.require("python3", pythonModules: ["pyotp"]) else { return }
        let script = """
        import sys, json, hashlib, pyotp
        secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        print(json.dumps([
            pyotp.TOTP(secret).provisioning_uri(name="alice@example.com", issuer_name="ACME Co"),
            pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=60).provisioning_uri(
                name="ålice", issuer_name="Stëp Up"),
            pyotp.HOTP(secret, digest=hashlib.sha512).provisioning_uri(name="bob", initial_count=42),
        ]))
        """
        let texts = try TestSupport.python(script, input: [String](), as: [String].self)
        let secret = try Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        let expected = [
            OTPAuthURI(issuer: "ACME Co", account: "alice@example.com", secret: secret),
            OTPAuthURI(issuer: "Stëp Up", account: "ålice", secret: secret, algorithm: .sha256, digits: 8,
                       period: 60),
            OTPAuthURI(kind: .hotp, issuer: nil, account: "bob", secret: secret, algorithm: .sha512, counter: 42),
        ]
        #expect(texts.count == expected.count)
        for (text, uri) in zip(texts, expected) {
            #expect(try OTPAuthURI(parsing: text) == uri, "\(text)")
        }
    }
}
