extension AttestationVerifier {
    private static let packedFields: Set<String> = ["alg", "sig", "x5c"]

    /// `packed` (WebAuthn §8.2): self attestation by the credential key, or an x5c chain whose leaf meets §8.2.1.
    func verifyPacked() async throws -> AttestationResult {
        let sig = try signature(allowed: Self.packedFields)
        guard let algValue = try statementField("alg", allowed: Self.packedFields)?.intValue else {
            throw WebAuthnError.malformedAttestation("packed attStmt has no integer alg")
        }
        let algorithm = try COSEAlgorithm.named(algValue)
        let signed = object.authenticatorData.bytes + clientDataHash
        guard let x5c = try statementField("x5c", allowed: Self.packedFields) else {
            guard algorithm == credential.publicKey.algorithm else {
                throw WebAuthnError.malformedAttestation(
                    "self attestation alg \(algorithm) differs from the credential key's "
                        + "\(credential.publicKey.algorithm)"
                )
            }
            try credential.publicKey.key.verify(sig, over: signed, what: "self attestation")
            return AttestationResult(format: .packed, kind: .selfAttestation, certificates: [], trusted: false)
        }
        let chain = try AttestationCertificates(x5c)
        let key = try chain.leafKey
        guard key.algorithm == algorithm else {
            throw WebAuthnError.malformedAttestation("attestation alg \(algorithm) does not fit the certificate's key")
        }
        try key.verify(sig, over: signed, what: "packed attestation")
        try chain.checkPackedLeaf(aaguid: credential.aaguid)
        let trusted = await chain.validates(to: policy.trustRoots, at: now)
        return AttestationResult(format: .packed, kind: .basic, certificates: chain.certificates, trusted: trusted)
    }
}
