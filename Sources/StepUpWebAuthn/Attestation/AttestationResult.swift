import X509

/// What a verified attestation statement showed.
public struct AttestationResult: Sendable {
    /// How the statement was made (WebAuthn §6.5.4).
    public enum Kind: String, Sendable, Hashable {
        /// No statement.
        case none
        /// Signed by the credential's own key: proves possession, says nothing about the model.
        case selfAttestation = "self"
        /// Signed by an attestation certificate (packed x5c, fido-u2f).
        case basic
    }

    public let format: AttestationFormat
    public let kind: Kind
    /// The attestation certificates as sent, leaf first (empty for `none` and self attestation).
    public let certificates: [Certificate]
    /// True when the chain validated to one of the policy's trust roots.
    public let trusted: Bool
}
