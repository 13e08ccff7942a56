/// Authenticator data (WebAuthn §6.1): what the authenticator signs about itself.
///
/// Parsing is exact: the 37-byte header, attested credential data only when AT is set, an extensions map only when
/// ED is set, and not one byte more. BS (backed up) without BE (backup eligible) is refused as inconsistent.
public struct AuthenticatorData: Sendable {
    /// SHA-256 of the relying party id the authenticator scoped the credential to.
    public let rpIdHash: [UInt8]
    public let flags: AuthenticatorFlags
    /// The signature counter; zero when the authenticator does not keep one (most passkeys).
    public let signCount: UInt32
    /// Present on registration (AT set).
    public let attestedCredentialData: AttestedCredentialData?
    /// The authenticator extension outputs (ED set), a CBOR map.
    public let extensions: CBOR?
    /// The bytes as received: signatures cover them, not a re-encoding.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 37 else {
            throw WebAuthnError.malformedAuthenticatorData(
                "authenticator data is \(bytes.count) bytes, shorter than 37")
        }
        self.bytes = bytes
        rpIdHash = Array(bytes[0..<32])
        flags = AuthenticatorFlags(rawValue: bytes[32])
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        guard !flags.contains(.backedUp) || flags.contains(.backupEligible) else {
            throw WebAuthnError.malformedAuthenticatorData("backup state is set but backup eligibility is not")
        }
        var end = 37
        if flags.contains(.attestedCredentialData) {
            let (data, dataEnd) = try AttestedCredentialData.parse(bytes, at: end)
            attestedCredentialData = data
            end = dataEnd
        } else {
            attestedCredentialData = nil
        }
        if flags.contains(.extensionData) {
            let (map, mapEnd) = try CBORDecoder().decodePrefix(bytes, from: end)
            guard map.mapValue != nil else {
                throw WebAuthnError.malformedAuthenticatorData("the extensions are not a CBOR map")
            }
            extensions = map
            end = mapEnd
        } else {
            extensions = nil
        }
        guard end == bytes.count else {
            throw WebAuthnError.malformedAuthenticatorData("\(bytes.count - end) unexpected bytes after the data")
        }
    }
}
