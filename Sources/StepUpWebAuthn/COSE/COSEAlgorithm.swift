/// The COSE algorithms (IANA "COSE Algorithms") StepUp accepts for passkeys: the three every platform offers.
///
/// Anything else is refused with `unsupported_algorithm`, so the server's `pubKeyCredParams` should list exactly
/// ``allCases`` (ES256 first: the one every authenticator implements).
public enum COSEAlgorithm: Int64, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ECDSA with SHA-256 on P-256; signatures are ASN.1 DER.
    case es256 = -7
    /// EdDSA; only Ed25519 keys (COSE `crv` 6) are accepted.
    case eddsa = -8
    /// RSASSA-PKCS1-v1_5 with SHA-256; moduli of 2048 to 8192 bits.
    case rs256 = -257

    /// The algorithm with this COSE identifier, or `unsupported_algorithm`.
    public static func named(_ identifier: Int64) throws -> Self {
        guard let algorithm = Self(rawValue: identifier) else {
            throw WebAuthnError.unsupportedAlgorithm(
                "COSE algorithm \(identifier) is not supported (ES256, EdDSA and RS256 are): use another authenticator"
            )
        }
        return algorithm
    }

    public var description: String {
        switch self {
        case .es256: "ES256"
        case .eddsa: "EdDSA"
        case .rs256: "RS256"
        }
    }
}
