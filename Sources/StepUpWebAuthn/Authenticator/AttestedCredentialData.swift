/// The new credential inside registration authenticator data (WebAuthn §6.5.1).
public struct AttestedCredentialData: Sendable {
    /// The authenticator model (zero when undisclosed).
    public let aaguid: AAGUID
    /// The credential id the browser will offer back at sign-in (1 … 1023 bytes).
    public let credentialId: [UInt8]
    /// The credential public key, already checked to be a valid key of a supported algorithm.
    public let publicKey: COSEKey

    /// Longest credential id WebAuthn allows (§5.8.3); longer ones are refused, not truncated.
    public static let maxCredentialIdLength = 1023

    /// Reads the credential data that starts at `offset` (just after the 37-byte header); returns it and its end.
    static func parse(_ bytes: [UInt8], at offset: Int) throws -> (AttestedCredentialData, end: Int) {
        let idStart = offset + 18
        guard bytes.count >= idStart else { throw malformed("attested credential data is truncated") }
        let length = Int(bytes[offset + 16]) << 8 | Int(bytes[offset + 17])
        guard (1...maxCredentialIdLength).contains(length) else {
            throw malformed("credential id length \(length) is outside 1…\(maxCredentialIdLength)")
        }
        guard bytes.count - idStart > length else { throw malformed("the credential id or public key is truncated") }
        let keyStart = idStart + length
        let (cbor, end) = try CBORDecoder().decodePrefix(bytes, from: keyStart)
        let key = try COSEKey(cbor: cbor, bytes: Array(bytes[keyStart..<end]))
        let aaguid = AAGUID(bytes: Array(bytes[offset..<offset + 16])) ?? .zero
        return (
            AttestedCredentialData(aaguid: aaguid, credentialId: Array(bytes[idStart..<keyStart]), publicKey: key), end
        )
    }

    private static func malformed(_ reason: String) -> WebAuthnError { .malformedAuthenticatorData(reason) }
}
