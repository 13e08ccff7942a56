/// A credential that passed registration: everything the server stores, and what the attestation showed.
public struct RegisteredCredential: Sendable {
    /// The id the browser offers back at sign-in (`allowCredentials`), at most 1023 bytes.
    public let credentialId: [UInt8]
    /// The COSE_Key bytes exactly as the authenticator sent them: store these and pass them to
    /// ``StoredCredential``.
    public let publicKey: [UInt8]
    public let algorithm: COSEAlgorithm
    /// The authenticator's counter at registration (often zero: passkeys usually keep none).
    public let signCount: UInt32
    /// The authenticator model the authenticator claims (trustworthy only when ``attestation`` is trusted).
    public let aaguid: AAGUID
    public let userVerified: Bool
    /// BE: a multi-device (synced) passkey rather than one bound to a single device.
    public let backupEligible: Bool
    /// BS: backed up right now.
    public let backupState: Bool
    public let attestation: AttestationResult

    /// The attestation format (`none`, `packed`, `fido-u2f`).
    public var attestationFormat: AttestationFormat { attestation.format }
    /// True when the attestation chain validated to a configured root.
    public var attestationTrusted: Bool { attestation.trusted }
    /// The amr values and booleans that a registration-time proof would earn.
    public var methods: AuthenticationMethods {
        AuthenticationMethods(userVerified: userVerified, backupEligible: backupEligible)
    }
}
