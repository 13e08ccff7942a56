/// What a WebAuthn proof says about how the user authenticated, as RFC 8176 `amr` values and plain booleans.
///
/// The flags cannot tell a PIN from a fingerprint, so UV yields `mfa` (possession plus something the user knows or
/// is) rather than `pin` or a biometric value.
public struct AuthenticationMethods: Sendable, Hashable {
    /// `hwk` (device-bound key) or `swk` (synced passkey), then `user` (presence), then `mfa` when verified.
    public let amr: [String]
    /// Always true: the browser binds every WebAuthn signature to the origin, so a look-alike site cannot relay it.
    public let phishingResistant: Bool
    /// UV was set: a PIN or biometric was checked by the authenticator.
    public let userVerified: Bool
    /// BE was clear: the private key cannot leave the authenticator, so the proof is one device.
    public let hardwareBound: Bool

    /// - Parameters:
    ///   - userPresent: UP (every verified ceremony has it; a parameter so the mapping stays total).
    ///   - backupEligible: BE; a synced passkey is a software key as far as `amr` is concerned.
    public init(userPresent: Bool = true, userVerified: Bool, backupEligible: Bool) {
        var amr = [backupEligible ? "swk" : "hwk"]
        if userPresent { amr.append("user") }
        if userVerified { amr.append("mfa") }
        self.amr = amr
        self.phishingResistant = true
        self.userVerified = userVerified
        self.hardwareBound = !backupEligible
    }
}
