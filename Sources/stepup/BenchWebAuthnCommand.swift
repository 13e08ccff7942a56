import ArgumentParser
import Crypto
import Foundation
import StepUpProcess
import StepUpWebAuthn

/// `stepup bench webauthn`: assertion verifications per second — our full `verifyAssertion` (client data, authenticator
/// data, COSE key, ES256 signature) on one thread — against `openssl speed ecdsap256` verifications in the same run.
/// Both are per second of CPU time (`openssl speed`'s default), in alternating rounds, each side's best round.
struct BenchWebAuthnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webauthn",
        abstract: "Assertion verifications per second (ES256) against openssl speed ecdsap256 verify."
    )

    @OptionGroup var bench: OpenSSLBenchOptions
    var seconds: Int { bench.seconds }
    var rounds: Int { bench.rounds }
    var openssl: String { bench.openssl }

    func run() async throws {
        let fixture = try AssertionFixture()
        _ = try fixture.verify()  // correctness first: a fixture that does not verify measures nothing
        let tool = BenchArgon2Command.locate(openssl)
        if tool == nil {
            FileHandle.standardError.write(Data("error: '\(openssl)' not found on PATH (install openssl)\n".utf8))
        }
        var ours: [Double] = [], theirs: [Double] = []
        for _ in 0..<rounds {
            ours.append(try Self.ourVerifications(fixture, seconds: seconds))
            if let tool { theirs.append(try Self.opensslVerifications(tool, seconds: seconds)) }
        }
        let best = ours.max() ?? 0
        print("ours_verifications_per_s=\(Int(best))")
        print("ours_us_per_verification=\(String(format: "%.1f", 1e6 / best))")
        print("ours_rounds=\(ours.map { String(Int($0)) }.joined(separator: ","))")
        guard let reference = theirs.max() else { throw ExitCode(3) }
        print("openssl_ecdsap256_verify_per_s=\(Int(reference))")
        print("openssl_rounds=\(theirs.map { String(Int($0)) }.joined(separator: ","))")
        print("ratio=\(String(format: "%.3f", reference > 0 ? best / reference : 0))")
    }

    /// Our full `verifyAssertion` on one thread for `seconds`: verifications per second of CPU time, as
    /// `openssl speed` counts by default (user CPU time), so a machine busy with other work slows neither side.
    static func ourVerifications(_ fixture: AssertionFixture, seconds: Int) throws -> Double {
        let deadline = ContinuousClock.now + .seconds(seconds)
        let started = cpuSeconds()
        var count = 0
        while ContinuousClock.now < deadline {
            for _ in 0..<64 { _ = try fixture.verify() }
            count += 64
        }
        return Double(count) / max(cpuSeconds() - started, 1e-9)
    }

    /// CPU time of the process (the loop is the only busy thread).
    static func cpuSeconds() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }

    /// `openssl speed -seconds N ecdsap256`'s verify/s (the last number of its `nistp256` line).
    static func opensslVerifications(_ tool: String, seconds: Int) throws -> Double {
        // Started with default signal handling and nothing blocked: `openssl speed` times itself with SIGALRM.
        let output = try Subprocess.run(tool, ["speed", "-seconds", String(seconds), "ecdsap256"],
                                        timeout: .seconds(seconds * 4 + 60))
        let line = output.stdoutText.split(separator: "\n").last { $0.contains("nistp256") }
        guard output.status == 0, let value = line?.split(separator: " ").last.flatMap({ Double($0) }) else {
            throw ExitCode(4)
        }
        return value
    }
}

/// One ES256 credential and a signed assertion, as a browser would send it.
struct AssertionFixture {
    let party = RelyingParty(id: "stepup.example", origins: ["https://stepup.example"])
    let challenge: [UInt8] = Array(repeating: 0x42, count: 32)
    let clientData: [UInt8]
    let authData: [UInt8]
    let signature: [UInt8]
    let credential: StoredCredential

    init() throws {
        let key = P256.Signing.PrivateKey()
        let raw = Array(key.publicKey.rawRepresentation)
        let cose = CBOR.map([1: 2, 3: -7, -1: 1, -2: .bytes(Array(raw[..<32])), -3: .bytes(Array(raw[32...]))])
        clientData = Array(#"{"type":"webauthn.get","challenge":"\#(Base64URL.encode(challenge))","origin":"#.utf8)
            + Array(#""https://stepup.example","crossOrigin":false}"#.utf8)
        authData = Array(SHA256.hash(data: Array("stepup.example".utf8))) + [0x05, 0, 0, 0, 0]
        signature = Array(try key.signature(for: authData + SHA256.hash(data: clientData)).derRepresentation)
        credential = StoredCredential(publicKey: cose.encoded(), signCount: 0)
    }

    func verify() throws -> AssertionResult {
        try party.verifyAssertion(challenge: challenge, clientDataJSON: clientData, authenticatorData: authData,
                                  signature: signature, credential: credential, requireUserVerification: true)
    }
}
