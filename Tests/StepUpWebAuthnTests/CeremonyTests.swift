import Foundation
import StepUpTestSupport
import Testing

@testable import StepUpWebAuthn

/// Registration and assertion with a Swift software authenticator: the paths that need no Python, and the lying
/// client (edited client data, authenticator data and statements) that each must be refused for its own reason.
@Suite("WebAuthn ceremonies")
struct CeremonyTests {
    let device = SoftwareAuthenticator()
    let party = SoftwareAuthenticator.party
    let challenge = Array(repeating: UInt8(0x42), count: 32)
    let registering: AuthenticatorFlags = [.userPresent, .userVerified, .attestedCredentialData]

    func register(
        _ format: String = "packed", flags: AuthenticatorFlags? = nil, clientData: [UInt8]? = nil,
        edit: (inout CBOR) -> Void = { _ in }, party: RelyingParty? = nil
    ) async throws -> RegisteredCredential {
        let clientData = clientData ?? device.clientData("webauthn.create", challenge: challenge)
        let authData = device.authenticatorData(flags: flags ?? registering)
        var object = try CBORDecoder().decode(
            try device.attestationObject(format: format, authData: authData, clientDataJSON: clientData))
        edit(&object)
        return try await (party ?? self.party).verifyRegistration(
            challenge: challenge, clientDataJSON: clientData, attestationObject: object.encoded(),
            requireUserVerification: true, now: Date()
        )
    }

    func assert(
        counter: UInt32 = 0, stored: UInt32 = 0, challenge signed: [UInt8]? = nil, clientData: [UInt8]? = nil,
        authData: [UInt8]? = nil
    ) throws -> AssertionResult {
        let clientData = clientData ?? device.clientData("webauthn.get", challenge: signed ?? challenge)
        let authData = authData ?? device.authenticatorData(flags: [.userPresent, .userVerified], counter: counter)
        return try party.verifyAssertion(
            challenge: challenge, clientDataJSON: clientData, authenticatorData: authData,
            signature: try device.sign(authData, clientData),
            credential: StoredCredential(publicKey: device.coseKey, signCount: stored), requireUserVerification: true
        )
    }

    @Test func registersAndSignsIn() async throws {
        for format in ["none", "packed"] {
            let credential = try await register(format)
            #expect(credential.credentialId == device.credentialId && credential.publicKey == device.coseKey)
            #expect(
                credential.algorithm == .es256 && credential.aaguid == device.aaguid && !credential.attestationTrusted)
            #expect(credential.attestation.kind == (format == "none" ? .none : .selfAttestation))
            #expect(credential.methods.amr == ["hwk", "user", "mfa"])
        }
        let result = try assert(counter: 9, stored: 8)
        #expect(result.signCount == 9 && !result.signCountRegressed && result.userVerified)
        #expect(try assert(counter: 8, stored: 8).signCountRegressed)
    }

    @Test func transactionBindingSeparatesActions() throws {
        let nonce = Array(repeating: UInt8(1), count: 32)
        let approve = WebAuthnChallenge.bound(nonce: nonce, bindingHash: Array("pay 10 EUR to alice".utf8))
        let other = WebAuthnChallenge.bound(nonce: nonce, bindingHash: Array("pay 9999 EUR to mallory".utf8))
        let clientData = device.clientData("webauthn.get", challenge: other)
        #expect(throws: WebAuthnError.challengeMismatch) {
            let authData = device.authenticatorData(flags: [.userPresent, .userVerified])
            _ = try party.verifyAssertion(
                challenge: approve, clientDataJSON: clientData, authenticatorData: authData,
                signature: try device.sign(authData, clientData),
                credential: StoredCredential(publicKey: device.coseKey, signCount: 0), requireUserVerification: false)
        }
    }

    @Test func lyingClientDataIsRefused() throws {
        let padded = Array(
            #"{"type":"webauthn.get","challenge":"\#(Base64URL.encode(challenge))=","origin":"https://stepup.example"}"#
                .utf8)
        #expect(throws: WebAuthnError.challengeMismatch) { try assert(clientData: padded) }
        #expect(throws: WebAuthnError.originNotAllowed("")) {
            try assert(
                clientData: device.clientData(
                    "webauthn.get", challenge: challenge, origin: "https://stepup.example:8443"))
        }
        #expect(throws: WebAuthnError.originNotAllowed("")) {
            try assert(
                clientData: device.clientData("webauthn.get", challenge: challenge, origin: "https://STEPUP.example"))
        }
        for text in [
            #"[]"#, #"{"type":"webauthn.get"}"#, #"{"type":1,"challenge":"QQ","origin":"x"}"#, "not json",
            #"{"type":"webauthn.get","challenge":"QQ","origin":"https://stepup.example","crossOrigin":"no"}"#,
        ] {
            #expect(throws: WebAuthnError.malformedClientData("")) { try assert(clientData: Array(text.utf8)) }
        }
    }

    @Test func lyingAuthenticatorDataIsRefused() throws {
        let base = device.authenticatorData(flags: [.userPresent, .userVerified])
        #expect(throws: WebAuthnError.malformedAuthenticatorData("")) { try assert(authData: Array(base.dropLast())) }
        // ED set but nothing follows; ED set with a non-map; AT set on an assertion with nothing after the header.
        for flags: AuthenticatorFlags in [.extensionData, .attestedCredentialData] {
            var edited = base
            edited[32] |= flags.rawValue
            #expect(throws: (any Error).self) { try assert(authData: edited) }
        }
        let notAMap = device.authenticatorData(
            flags: [.userPresent, .userVerified, .extensionData], extensions: .array([]))
        #expect(throws: WebAuthnError.malformedAuthenticatorData("")) { try assert(authData: notAMap) }
        let withMap = device.authenticatorData(
            flags: [.userPresent, .userVerified, .extensionData], extensions: .map(["credProtect": 2]))
        #expect(try AuthenticatorData(bytes: withMap).extensions?[text: "credProtect"] == 2)
        #expect(try assert(authData: withMap).userVerified)
    }

    @Test func lyingAttestationIsRefused() async throws {
        await #expect(throws: WebAuthnError.malformedAttestation("")) {
            try await register(edit: {
                $0 = .map($0.mapValue!.map { CBOR.Pair($0.key, $0.value) } + [CBOR.Pair("x", 1)])
            })
        }
        await #expect(throws: WebAuthnError.malformedAttestation("")) {
            try await register(
                "none",
                edit: { object in
                    object = .map([
                        "fmt": "none", "attStmt": .map(["sig": .bytes([1])]), "authData": object[text: "authData"]!,
                    ])
                })
        }
        await #expect(throws: WebAuthnError.malformedAttestation("")) {
            try await register(edit: { object in
                let statement = CBOR.map(["alg": -8, "sig": object[text: "attStmt"]![text: "sig"]!])
                object = .map(["fmt": "packed", "attStmt": statement, "authData": object[text: "authData"]!])
            })
        }
        await #expect(throws: WebAuthnError.unsupportedAttestationFormat("")) {
            try await register(edit: { object in
                object = .map([
                    "fmt": "apple", "attStmt": object[text: "attStmt"]!, "authData": object[text: "authData"]!,
                ])
            })
        }
        var strict = party
        strict.attestation = AttestationPolicy(allowedAAGUIDs: [AAGUID.zero])
        await #expect(throws: WebAuthnError.aaguidNotAllowed("")) { try await register(party: strict) }
    }

    @Test func credentialIdsAreBounded() throws {
        let long = SoftwareAuthenticator(credentialId: Array(repeating: 7, count: 1024))
        #expect(throws: WebAuthnError.malformedAuthenticatorData("")) {
            try AuthenticatorData(bytes: long.authenticatorData(flags: registering))
        }
        let longest = SoftwareAuthenticator(credentialId: Array(repeating: 7, count: 1023))
        #expect(
            try AuthenticatorData(bytes: longest.authenticatorData(flags: registering)).attestedCredentialData?
                .credentialId.count == 1023)
    }
}
