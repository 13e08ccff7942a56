/// Why a WebAuthn registration or assertion was refused.
///
/// The server maps `code` (stable snake_case) to a problem+json type; `reason` is for people and says what to do.
/// Two errors are equal when their codes are, whatever the reason says.
public struct WebAuthnError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case malformedCBOR = "malformed_cbor"
        case malformedClientData = "malformed_client_data"
        case malformedAuthenticatorData = "malformed_authenticator_data"
        case malformedAttestation = "malformed_attestation"
        case malformedPublicKey = "malformed_public_key"
        case typeMismatch = "type_mismatch"
        case challengeMismatch = "challenge_mismatch"
        case originNotAllowed = "origin_not_allowed"
        case crossOriginNotAllowed = "cross_origin_not_allowed"
        case rpIdMismatch = "rp_id_mismatch"
        case userNotPresent = "user_not_present"
        case userNotVerified = "user_not_verified"
        case missingCredentialData = "missing_credential_data"
        case badSignature = "bad_signature"
        case unsupportedAlgorithm = "unsupported_algorithm"
        case unsupportedAttestationFormat = "unsupported_attestation_format"
        case attestationNotTrusted = "attestation_not_trusted"
        case aaguidNotAllowed = "aaguid_not_allowed"
    }

    private let code: Code
    /// What went wrong and what the user or operator can do about it.
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The stable snake_case identifier (`bad_signature`, …) the server turns into a problem type.
    public var identifier: String { code.rawValue }

    /// Bytes that are not the strict CBOR WebAuthn allows (indefinite lengths, duplicate keys, trailing bytes, …).
    public static func malformedCBOR(_ reason: String) -> Self { .init(.malformedCBOR, reason) }
    /// `clientDataJSON` is not JSON of the expected shape.
    public static func malformedClientData(_ reason: String) -> Self { .init(.malformedClientData, reason) }
    /// Authenticator data is too short, too long, or has inconsistent flags.
    public static func malformedAuthenticatorData(_ reason: String) -> Self {
        .init(.malformedAuthenticatorData, reason)
    }
    /// The attestation object or statement lacks a field or has one of the wrong type.
    public static func malformedAttestation(_ reason: String) -> Self { .init(.malformedAttestation, reason) }
    /// A COSE key whose type, curve and algorithm disagree, or whose coordinates are not a valid key.
    public static func malformedPublicKey(_ reason: String) -> Self { .init(.malformedPublicKey, reason) }
    /// `webauthn.get` sent to registration or the other way round.
    public static func typeMismatch(_ reason: String) -> Self { .init(.typeMismatch, reason) }
    /// The signed challenge is not the one this server issued for this ceremony.
    public static let challengeMismatch = Self(
        .challengeMismatch, "the response answers a different challenge: start the sign-in or registration again"
    )
    /// The page that ran the ceremony is not one of the configured origins.
    public static func originNotAllowed(_ origin: String) -> Self {
        .init(.originNotAllowed, "origin \(origin) is not allowed: open the site at its configured address")
    }
    /// The ceremony ran in a cross-origin iframe whose top origin is not allowed.
    public static func crossOriginNotAllowed(_ reason: String) -> Self { .init(.crossOriginNotAllowed, reason) }
    /// The authenticator scoped the credential to a different relying party id.
    public static let rpIdMismatch = Self(
        .rpIdMismatch, "the authenticator answered for a different site (rpId hash mismatch)"
    )
    /// The user-present flag is clear: nobody touched the authenticator.
    public static let userNotPresent = Self(
        .userNotPresent, "the authenticator did not confirm user presence: touch it")
    /// User verification (PIN or biometric) was required but not performed.
    public static let userNotVerified = Self(
        .userNotVerified, "the authenticator did not verify the user: use a passkey with a PIN or biometric unlock"
    )
    /// A registration without attested credential data (the AT flag is clear).
    public static let missingCredentialData = Self(
        .missingCredentialData, "the registration carries no credential: try again with another authenticator"
    )
    /// A signature that does not verify with the key it claims.
    public static func badSignature(_ reason: String) -> Self { .init(.badSignature, reason) }
    /// A COSE algorithm other than ES256, EdDSA (Ed25519) or RS256.
    public static func unsupportedAlgorithm(_ reason: String) -> Self { .init(.unsupportedAlgorithm, reason) }
    /// An attestation format other than `none`, `packed` and `fido-u2f`.
    public static func unsupportedAttestationFormat(_ format: String) -> Self {
        .init(.unsupportedAttestationFormat, "attestation format \(format) is not supported: use another authenticator")
    }
    /// The policy requires attestation that chains to a configured root, and this one does not.
    public static func attestationNotTrusted(_ reason: String) -> Self { .init(.attestationNotTrusted, reason) }
    /// The policy lists the authenticator models it accepts, and this AAGUID is not among them.
    public static func aaguidNotAllowed(_ aaguid: String) -> Self {
        .init(.aaguidNotAllowed, "authenticator model \(aaguid) is not allowed here: use an approved security key")
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code.rawValue): \(reason)" }
}
