/// The flags byte of authenticator data (WebAuthn §6.1).
public struct AuthenticatorFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// UP: someone touched or otherwise confirmed the authenticator.
    public static let userPresent = Self(rawValue: 0x01)
    /// UV: the authenticator checked a PIN or biometric.
    public static let userVerified = Self(rawValue: 0x04)
    /// BE: the credential may be synced to other devices (a multi-device passkey).
    public static let backupEligible = Self(rawValue: 0x08)
    /// BS: the credential is backed up right now.
    public static let backedUp = Self(rawValue: 0x10)
    /// AT: attested credential data follows (registration).
    public static let attestedCredentialData = Self(rawValue: 0x40)
    /// ED: an extensions map ends the data.
    public static let extensionData = Self(rawValue: 0x80)
}
