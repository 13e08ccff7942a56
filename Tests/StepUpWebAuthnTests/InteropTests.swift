import Foundation
import Testing

@testable import StepUpWebAuthn
import StepUpTestSupport

/// Registrations and assertions made by an independent software authenticator (cryptography + python-fido2):
/// every accepted case reports the values the authenticator put in, every refused case has its own error code,
/// and py_webauthn reaches the same verdict on the same bytes wherever the two libraries promise the same thing.
@Suite("WebAuthn interop with python-fido2 and py_webauthn", .ownThread, .timeLimit(.minutes(5)))
struct InteropTests {
    @Test func everyCaseMatchesAndPyWebAuthnAgrees() async throws {
        guard let cases = try PythonAuthenticator.cases() else { return }
        #expect(cases.count >= 55)
        var codes = Set<String>()
        for item in cases {
            let outcome: Result<Void, any Error>
            do {
                try await check(item)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            switch (outcome, item.error) {
            case (.success, nil): break
            case (.success, let code?): Issue.record("\(item.name): accepted, expected \(code)")
            case (.failure(let error), nil): Issue.record("\(item.name): refused with \(error)")
            case (.failure(let error), let code?):
                #expect((error as? WebAuthnError)?.identifier == code, "\(item.name): \(error)")
                codes.insert(code)
            }
            if item.pyCompare {
                #expect(item.py.ok == (item.error == nil), "\(item.name): py_webauthn said \(item.py.detail)")
            }
        }
        #expect(codes == Set(cases.compactMap(\.error)) && codes.count >= 15, "refusals seen: \(codes.sorted())")
    }

    /// Operators configure roots as PEM: the same certificate read from PEM and from DER is one root.
    @Test func pemAndDERRootsAgree() throws {
        guard let cases = try PythonAuthenticator.cases() else { return }
        let der = try #require(cases.first { !$0.policy.roots.isEmpty }.map { $0.bytes($0.policy.roots[0]) })
        let pem = "-----BEGIN CERTIFICATE-----\n\(Data(der).base64EncodedString(options: .lineLength64Characters))"
            + "\n-----END CERTIFICATE-----\n"
        #expect(try AttestationPolicy.roots(pem: pem + pem) == AttestationPolicy.roots(der: [der, der]))
        #expect(throws: WebAuthnError.attestationNotTrusted("")) { try AttestationPolicy.roots(pem: "not a certificate") }
        #expect(throws: WebAuthnError.attestationNotTrusted("")) { try AttestationPolicy.roots(der: [Array(der.dropLast())]) }
    }

    private func check(_ item: InteropCase) async throws {
        let party = try item.relyingParty()
        if item.ceremony == "registration" {
            let credential = try await party.verifyRegistration(
                challenge: item.bytes(item.challenge), clientDataJSON: item.bytes(item.clientDataJSON),
                attestationObject: item.bytes(item.attestationObject), requireUserVerification: item.requireUV,
                now: Date()
            )
            guard let expect = item.expect else { return }
            #expect(credential.credentialId == item.bytes(expect.credentialId), "\(item.name)")
            #expect(credential.publicKey == item.bytes(expect.publicKey), "\(item.name)")
            #expect(credential.algorithm.rawValue == expect.alg, "\(item.name)")
            #expect(credential.aaguid.bytes == TestHex.bytes(expect.aaguid ?? ""), "\(item.name)")
            #expect(credential.attestationFormat.rawValue == expect.format, "\(item.name)")
            #expect(credential.attestationTrusted == expect.trusted, "\(item.name)")
            #expect(credential.userVerified == expect.userVerified && credential.signCount == expect.signCount)
            #expect(credential.backupEligible == expect.backupEligible && credential.backupState == expect.backupState)
        } else {
            let result = try party.verifyAssertion(
                challenge: item.bytes(item.challenge), clientDataJSON: item.bytes(item.clientDataJSON),
                authenticatorData: item.bytes(item.authenticatorData), signature: item.bytes(item.signature),
                credential: StoredCredential(
                    publicKey: item.bytes(item.publicKey), signCount: item.storedSignCount ?? 0),
                requireUserVerification: item.requireUV
            )
            guard let expect = item.expect else { return }
            #expect(
                result.signCount == expect.signCount && result.signCountRegressed == expect.regressed, "\(item.name)")
            #expect(result.userVerified == expect.userVerified && result.backupEligible == expect.backupEligible)
            #expect(result.backupState == expect.backupState)
        }
    }
}
