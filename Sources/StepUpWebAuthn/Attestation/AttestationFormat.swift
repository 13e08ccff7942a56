/// The attestation statement formats StepUp reads (WebAuthn §8); any other `fmt` is `unsupported_attestation_format`.
///
/// Browsers replace the statement with `none` unless the server asks for attestation (`attestation: "direct"`),
/// so a server that does not require attestation sees `none` almost always.
public enum AttestationFormat: String, Sendable, Hashable, CaseIterable {
    /// No statement: the authenticator's claims are taken on trust.
    case none
    /// FIDO2's own format: self attestation (signed by the credential key) or a certificate chain (x5c).
    case packed
    /// Legacy U2F security keys: one P-256 certificate.
    case fidoU2F = "fido-u2f"
}
