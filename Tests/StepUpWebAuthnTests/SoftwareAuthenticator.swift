import Crypto
import Foundation

@testable import StepUpWebAuthn

/// A P-256 authenticator in Swift, built on our CBOR encoder: fixtures for the tests that must run without
/// Python (ceremony checks, the fuzz corpus).
struct SoftwareAuthenticator {
    let key = P256.Signing.PrivateKey()
    let credentialId: [UInt8]
    var aaguid = AAGUID("ee882879-721c-4913-9775-3dfcce97072a")!

    init(credentialId: [UInt8] = Array(0..<32)) { self.credentialId = credentialId }

    var coseKey: [UInt8] {
        let raw = Array(key.publicKey.rawRepresentation)
        return CBOR.map([1: 2, 3: -7, -1: 1, -2: .bytes(Array(raw[..<32])), -3: .bytes(Array(raw[32...]))]).encoded()
    }

    func clientData(_ type: String, challenge: [UInt8], origin: String = "https://stepup.example") -> [UInt8] {
        let challenge = Base64URL.encode(challenge)
        return Array(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin)","crossOrigin":false}"#.utf8)
    }

    func authenticatorData(
        rpId: String = "stepup.example", flags: AuthenticatorFlags, counter: UInt32 = 0,
        extensions: CBOR? = nil
    ) -> [UInt8] {
        var out = Array(SHA256.hash(data: Array(rpId.utf8))) + [flags.rawValue]
        out += withUnsafeBytes(of: counter.bigEndian, Array.init)
        if flags.contains(.attestedCredentialData) {
            out +=
                aaguid.bytes + [UInt8(credentialId.count >> 8), UInt8(credentialId.count & 0xFF)] + credentialId
                + coseKey
        }
        if let extensions { out += extensions.encoded() }
        return out
    }

    /// `none` or `packed` self attestation over `authData`.
    func attestationObject(format: String = "packed", authData: [UInt8], clientDataJSON: [UInt8]) throws -> [UInt8] {
        var statement: CBOR = .map([])
        if format == "packed" {
            let signature = try key.signature(for: authData + SHA256.hash(data: clientDataJSON))
            statement = .map(["alg": -7, "sig": .bytes(Array(signature.derRepresentation))])
        }
        return CBOR.map(["fmt": .text(format), "attStmt": statement, "authData": .bytes(authData)]).encoded()
    }

    func sign(_ authData: [UInt8], _ clientDataJSON: [UInt8]) throws -> [UInt8] {
        Array(try key.signature(for: authData + SHA256.hash(data: clientDataJSON)).derRepresentation)
    }

    static let party = RelyingParty(id: "stepup.example", origins: ["https://stepup.example"])
}
