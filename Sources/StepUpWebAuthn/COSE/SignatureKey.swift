import Crypto
import _CryptoExtras

/// A public key that checks one algorithm's signatures, whether it came from a COSE key or an attestation
/// certificate: the single place WebAuthn signatures are verified.
enum SignatureKey: Sendable {
    case p256(P256.Signing.PublicKey)
    case ed25519(Curve25519.Signing.PublicKey)
    case rsa(_RSA.Signing.PublicKey)

    /// The COSE algorithm this key signs with.
    var algorithm: COSEAlgorithm {
        switch self {
        case .p256: .es256
        case .ed25519: .eddsa
        case .rsa: .rs256
        }
    }

    /// True when `signature` is this key's signature over `data` (ES256: DER; RS256: PKCS#1 v1.5; Ed25519: raw).
    func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        switch self {
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: data))
        case .ed25519(let key):
            return signature.count == 64 && key.isValidSignature(signature, for: data)
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: data),
                padding: .insecurePKCS1v1_5
            )
        }
    }

    /// Throws `bad_signature` with `what` in the reason unless the signature verifies.
    func verify(_ signature: [UInt8], over data: [UInt8], what: String) throws {
        guard isValidSignature(signature, for: data) else {
            throw WebAuthnError.badSignature(
                "the \(what) signature does not verify: the response was altered or "
                    + "signed by another key")
        }
    }
}
