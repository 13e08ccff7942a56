import Foundation

extension RelyingParty {
    /// Verifies a registration (WebAuthn §7.1) and returns the credential to store.
    ///
    /// Checks, in order: client data (type `webauthn.create`, challenge, origin, cross-origin), the attestation
    /// object's shape, the RP ID hash, UP, UV when required, the credential key, then the attestation statement
    /// and ``attestation`` policy. Whether the credential id is already registered is the server's check.
    ///
    /// - Parameters:
    ///   - challenge: the bytes this server issued for this ceremony (already checked unused and unexpired).
    ///   - requireUserVerification: usually ``userVerification``'s ``UserVerificationRequirement/isRequired``.
    ///   - now: the ceremony's time, for attestation certificate validity.
    ///
    /// ```swift
    /// let credential = try await party.verifyRegistration(
    ///     challenge: pending.challenge, clientDataJSON: body.clientDataJSON,
    ///     attestationObject: body.attestationObject, requireUserVerification: true, now: clock.now)
    /// ```
    public func verifyRegistration(
        challenge: [UInt8], clientDataJSON: [UInt8], attestationObject: [UInt8], requireUserVerification: Bool,
        now: Date
    ) async throws -> RegisteredCredential {
        try CollectedClientData(json: clientDataJSON).check(.create, challenge: challenge, for: self)
        let object = try AttestationObject(bytes: attestationObject)
        let authData = object.authenticatorData
        try checkFlags(authData, requireUserVerification: requireUserVerification)
        guard let credential = authData.attestedCredentialData else { throw WebAuthnError.missingCredentialData }
        let attestation = try await AttestationVerifier(
            object: object, credential: credential, clientDataHash: CollectedClientData.hash(clientDataJSON),
            policy: self.attestation, now: now
        ).verify()
        return RegisteredCredential(
            credentialId: credential.credentialId, publicKey: credential.publicKey.bytes,
            algorithm: credential.publicKey.algorithm, signCount: authData.signCount, aaguid: credential.aaguid,
            userVerified: authData.flags.contains(.userVerified),
            backupEligible: authData.flags.contains(.backupEligible),
            backupState: authData.flags.contains(.backedUp), attestation: attestation
        )
    }

    /// RP ID hash, then UP, then UV when required: the checks both ceremonies make on authenticator data.
    func checkFlags(_ authData: AuthenticatorData, requireUserVerification: Bool) throws {
        guard authData.rpIdHash == idHash else { throw WebAuthnError.rpIdMismatch }
        guard authData.flags.contains(.userPresent) else { throw WebAuthnError.userNotPresent }
        guard !requireUserVerification || authData.flags.contains(.userVerified) else {
            throw WebAuthnError.userNotVerified
        }
    }
}
