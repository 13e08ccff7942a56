import ArgumentParser
import Crypto
import Foundation
import StepUpWebAuthn

/// `stepup bench webauthn`: assertion verifications per second — our full `verifyAssertion` (client data, authenticator
/// data, COSE key, ES256 signature) on one thread — against `openssl speed ecdsap256` verifications in the same run.
struct BenchWebAuthnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webauthn",
        abstract: "Assertion verifications per second (ES256) against openssl speed ecdsap256 verify."
    )

    @Option(help: "Seconds each side runs.")
    var seconds = 5

    @Option(help: "Path or name of the openssl CLI.")
    var openssl = "openssl"

    func validate() throws {
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be 1...600") }
    }

    func run() async throws {
        let fixture = try AssertionFixture()
        _ = try fixture.verify()  // correctness first: a fixture that does not verify measures nothing
        let start = ContinuousClock.now
        let deadline = start + .seconds(seconds)
        var count = 0
        while ContinuousClock.now < deadline {
            for _ in 0..<64 { _ = try fixture.verify() }
            count += 64
        }
        let elapsed = start.duration(to: .now)
        let ours = Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        print("ours_verifications_per_s=\(Int(ours))")
        print("ours_us_per_verification=\(String(format: "%.1f", 1e6 / ours))")
        guard let tool = BenchArgon2Command.locate(openssl) else {
            FileHandle.standardError.write(Data("error: '\(openssl)' not found on PATH (install openssl)\n".utf8))
            throw ExitCode(3)
        }
        let theirs = try Self.opensslVerifications(tool, seconds: seconds)
        print("openssl_ecdsap256_verify_per_s=\(Int(theirs))")
        print("ratio=\(String(format: "%.3f", theirs > 0 ? ours / theirs : 0))")
    }

    /// `openssl speed -seconds N ecdsap256`'s verify/s (the last number of its `nistp256` line).
    static func opensslVerifications(_ tool: String, seconds: Int) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["speed", "-seconds", String(seconds), "ecdsap256"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last { $0.contains("nistp256") }
        guard process.terminationStatus == 0, let value = line?.split(separator: " ").last.flatMap({ Double($0) })
        else { throw ExitCode(4) }
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
