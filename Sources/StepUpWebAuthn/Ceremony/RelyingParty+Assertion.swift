extension RelyingParty {
    /// Verifies a sign-in assertion (WebAuthn §7.2) against the credential the server stored.
    ///
    /// Checks, in order: client data (type `webauthn.get`, challenge, origin, cross-origin), authenticator data,
    /// the RP ID hash, UP, UV when required, then the signature over `authenticatorData ‖ SHA-256(clientDataJSON)`.
    /// A counter that went backwards is reported in ``AssertionResult/signCountRegressed``, not thrown. That the
    /// credential id belongs to the user is the server's check.
    ///
    /// ```swift
    /// let result = try party.verifyAssertion(
    ///     challenge: pending.challenge, clientDataJSON: body.clientDataJSON,
    ///     authenticatorData: body.authenticatorData, signature: body.signature,
    ///     credential: StoredCredential(publicKey: row.publicKey, signCount: row.signCount),
    ///     requireUserVerification: party.userVerification.isRequired)
    /// ```
    public func verifyAssertion(
        challenge: [UInt8], clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8],
        credential: StoredCredential, requireUserVerification: Bool
    ) throws -> AssertionResult {
        try CollectedClientData(json: clientDataJSON).check(.get, challenge: challenge, for: self)
        let authData = try AuthenticatorData(bytes: authenticatorData)
        try checkFlags(authData, requireUserVerification: requireUserVerification)
        let key = try COSEKey(bytes: credential.publicKey)
        try key.verify(signature: signature, over: authenticatorData + CollectedClientData.hash(clientDataJSON))
        return AssertionResult(
            signCount: authData.signCount, userVerified: authData.flags.contains(.userVerified),
            backupEligible: authData.flags.contains(.backupEligible), backupState: authData.flags.contains(.backedUp),
            signCountRegressed: AssertionResult.regressed(stored: credential.signCount, received: authData.signCount)
        )
    }
}
