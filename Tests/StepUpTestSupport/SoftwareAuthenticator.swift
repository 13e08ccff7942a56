import Crypto
import Foundation
import StepUpWebAuthn

/// A P-256 authenticator in Swift, built on our CBOR encoder: fixtures for the tests that must run without
/// Python (ceremony checks, the fuzz corpus, the server's WebAuthn routes).
///
/// The low-level pieces (`clientData`, `authenticatorData`, `attestationObject`, `sign`) can be bent one at a time
/// to play a lying client; ``registration(options:…)`` and ``assertion(options:…)`` answer a server's options the
/// way a browser's `PublicKeyCredential.toJSON()` would.
public struct SoftwareAuthenticator: Sendable {
    public let key: P256.Signing.PrivateKey
    public let credentialId: [UInt8]
    public var aaguid = AAGUID("ee882879-721c-4913-9775-3dfcce97072a")!
    /// The user handle a discoverable credential returns at sign-in (set by ``registration(options:…)``'s caller).
    public var userHandle: [UInt8]?

    public init(credentialId: [UInt8] = Array(0..<32), key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) {
        self.credentialId = credentialId
        self.key = key
    }

    /// A credential with a random 16-byte id.
    public static func random() -> SoftwareAuthenticator {
        var generator = SystemRandomNumberGenerator()
        return SoftwareAuthenticator(credentialId: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public var coseKey: [UInt8] {
        let raw = Array(key.publicKey.rawRepresentation)
        return CBOR.map([1: 2, 3: -7, -1: 1, -2: .bytes(Array(raw[..<32])), -3: .bytes(Array(raw[32...]))]).encoded()
    }

    public func clientData(_ type: String, challenge: [UInt8], origin: String = "https://stepup.example") -> [UInt8] {
        let challenge = Base64URL.encode(challenge)
        return Array(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin)","crossOrigin":false}"#.utf8)
    }

    public func authenticatorData(
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
    public func attestationObject(format: String = "packed", authData: [UInt8], clientDataJSON: [UInt8]) throws
        -> [UInt8]
    {
        var statement: CBOR = .map([])
        if format == "packed" {
            let signature = try key.signature(for: authData + SHA256.hash(data: clientDataJSON))
            statement = .map(["alg": -7, "sig": .bytes(Array(signature.derRepresentation))])
        }
        return CBOR.map(["fmt": .text(format), "attStmt": statement, "authData": .bytes(authData)]).encoded()
    }

    public func sign(_ authData: [UInt8], _ clientDataJSON: [UInt8]) throws -> [UInt8] {
        Array(try key.signature(for: authData + SHA256.hash(data: clientDataJSON)).derRepresentation)
    }

    public static let party = RelyingParty(id: "stepup.example", origins: ["https://stepup.example"])

    // MARK: answering a server's options (the browser's JSON)

    /// What to bend in an answer: each default is what an honest browser and authenticator send.
    public struct Answer: Sendable {
        public var origin: String
        public var rpId: String?
        public var flags: AuthenticatorFlags
        public var counter: UInt32
        public var format: String
        /// Replaces the challenge the options carried (a replayed or forged challenge).
        public var challenge: [UInt8]?
        /// Signs these client data bytes' hash instead of the real ones (a signature over other data).
        public var signOver: [UInt8]?
        /// Cuts the attestation object or authenticator data (truncated CBOR), or appends bytes (trailing CBOR).
        public var truncate: Int
        public var trailing: [UInt8]

        public init(origin: String = "http://localhost:8080", rpId: String? = nil,
                    flags: AuthenticatorFlags = [.userPresent, .userVerified], counter: UInt32 = 0,
                    format: String = "none", challenge: [UInt8]? = nil, signOver: [UInt8]? = nil,
                    truncate: Int = 0, trailing: [UInt8] = []) {
            self.origin = origin
            self.rpId = rpId
            self.flags = flags
            self.counter = counter
            self.format = format
            self.challenge = challenge
            self.signOver = signOver
            self.truncate = truncate
            self.trailing = trailing
        }
    }

    /// The `credential` JSON answering creation options (`{"rp": {"id"}, "challenge", "user": {"id"}}`).
    public func registration(options: [String: Any], _ answer: Answer = Answer()) throws -> [String: Any] {
        let rpId = answer.rpId ?? ((options["rp"] as? [String: Any])?["id"] as? String) ?? "localhost"
        let challenge = try answer.challenge ?? Self.challenge(options)
        let clientData = clientData("webauthn.create", challenge: challenge, origin: answer.origin)
        var flags = answer.flags
        flags.insert(.attestedCredentialData)
        let authData = authenticatorData(rpId: rpId, flags: flags, counter: answer.counter)
        var object = try attestationObject(format: answer.format, authData: authData, clientDataJSON: clientData)
        object = Array(object.dropLast(answer.truncate)) + answer.trailing
        return [
            "id": Base64URL.encode(credentialId), "rawId": Base64URL.encode(credentialId), "type": "public-key",
            "response": ["clientDataJSON": Base64URL.encode(clientData), "attestationObject": Base64URL.encode(object),
                         "transports": ["internal"]] as [String: Any],
            "clientExtensionResults": [String: Any](), "authenticatorAttachment": "platform",
        ]
    }

    /// The `credential` JSON answering request options (`{"rpId", "challenge"}`).
    public func assertion(options: [String: Any], _ answer: Answer = Answer()) throws -> [String: Any] {
        let rpId = answer.rpId ?? (options["rpId"] as? String) ?? "localhost"
        let challenge = try answer.challenge ?? Self.challenge(options)
        let clientData = clientData("webauthn.get", challenge: challenge, origin: answer.origin)
        var authData = authenticatorData(rpId: rpId, flags: answer.flags, counter: answer.counter)
        let signature = try sign(authData, answer.signOver ?? clientData)
        authData = Array(authData.dropLast(answer.truncate)) + answer.trailing
        var response: [String: Any] = ["clientDataJSON": Base64URL.encode(clientData),
                                       "authenticatorData": Base64URL.encode(authData),
                                       "signature": Base64URL.encode(signature)]
        if let userHandle { response["userHandle"] = Base64URL.encode(userHandle) }
        return ["id": Base64URL.encode(credentialId), "rawId": Base64URL.encode(credentialId), "type": "public-key",
                "response": response, "clientExtensionResults": [String: Any]()]
    }

    struct MissingChallenge: Error {}

    static func challenge(_ options: [String: Any]) throws -> [UInt8] {
        guard let text = options["challenge"] as? String, let bytes = Base64URL.decode(text) else {
            throw MissingChallenge()
        }
        return bytes
    }
}
