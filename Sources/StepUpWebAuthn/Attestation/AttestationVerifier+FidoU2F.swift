import Crypto

extension AttestationVerifier {
    private static let u2fFields: Set<String> = ["sig", "x5c"]

    /// `fido-u2f` (WebAuthn §8.6): one P-256 certificate signs
    /// 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ 0x04 ‖ x ‖ y,
    /// the U2F registration message rebuilt from the WebAuthn fields.
    func verifyFidoU2F() async throws -> AttestationResult {
        let sig = try signature(allowed: Self.u2fFields)
        guard let x5c = try statementField("x5c", allowed: Self.u2fFields), x5c.arrayValue?.count == 1 else {
            throw WebAuthnError.malformedAttestation("fido-u2f attStmt needs x5c with exactly one certificate")
        }
        let chain = try AttestationCertificates(x5c)
        guard case .p256 = try chain.leafKey else {
            throw WebAuthnError.malformedAttestation("the fido-u2f certificate's key is not P-256")
        }
        guard case .p256(let credentialKey) = credential.publicKey.key else {
            throw WebAuthnError.malformedAttestation("a fido-u2f credential must be a P-256 (ES256) key")
        }
        let message: [UInt8] =
            [0x00] + object.authenticatorData.rpIdHash + clientDataHash + credential.credentialId
            + [0x04] + Array(credentialKey.rawRepresentation)
        try chain.leafKey.verify(sig, over: message, what: "fido-u2f attestation")
        let trusted = await chain.validates(to: policy.trustRoots, at: now)
        return AttestationResult(format: .fidoU2F, kind: .basic, certificates: chain.certificates, trusted: trusted)
    }
}
