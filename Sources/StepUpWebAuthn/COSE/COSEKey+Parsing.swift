import Crypto
import _CryptoExtras

extension COSEKey {
    // COSE labels and values (RFC 9053 §7, RFC 8230 §4).
    private enum Label { static let crv: Int64 = -1, x: Int64 = -2, y: Int64 = -3, n: Int64 = -1, e: Int64 = -2 }
    private enum KeyType { static let okp: Int64 = 1, ec2: Int64 = 2, rsa: Int64 = 3 }
    private enum Curve { static let p256: Int64 = 1, ed25519: Int64 = 6 }

    static func key(for algorithm: COSEAlgorithm, kty: Int64, _ cbor: CBOR) throws -> SignatureKey {
        switch algorithm {
        case .es256:
            try expect(
                kty == KeyType.ec2 && cbor[int: Label.crv]?.intValue == Curve.p256, "ES256 needs an EC2 P-256 key")
            let x = try coordinate(cbor, Label.x, "x")
            let y = try coordinate(cbor, Label.y, "y")
            guard let key = try? P256.Signing.PublicKey(rawRepresentation: x + y) else {
                throw WebAuthnError.malformedPublicKey("the P-256 point is not on the curve")
            }
            return .p256(key)
        case .eddsa:
            try expect(
                kty == KeyType.okp && cbor[int: Label.crv]?.intValue == Curve.ed25519, "EdDSA needs an Ed25519 OKP key")
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: try coordinate(cbor, Label.x, "x"))
            else {
                throw WebAuthnError.malformedPublicKey("the Ed25519 key is not valid")
            }
            return .ed25519(key)
        case .rs256:
            try expect(kty == KeyType.rsa, "RS256 needs an RSA key")
            guard let n = cbor[int: Label.n]?.bytesValue, let e = cbor[int: Label.e]?.bytesValue else {
                throw WebAuthnError.malformedPublicKey("the RSA key lacks n or e")
            }
            // 2048 bits at least (weaker keys are forgeable), 8192 at most (bounds the work a hostile key can cost).
            try expect(n.first != 0 && (256...1024).contains(n.count), "the RSA modulus must be 2048 to 8192 bits")
            try expect(e.first != 0 && (1...8).contains(e.count), "the RSA exponent is malformed")
            guard let key = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                throw WebAuthnError.malformedPublicKey("the RSA key is not valid")
            }
            return .rsa(key)
        }
    }

    private static func coordinate(_ cbor: CBOR, _ label: Int64, _ name: String) throws -> [UInt8] {
        guard let bytes = cbor[int: label]?.bytesValue, bytes.count == 32 else {
            throw WebAuthnError.malformedPublicKey("coordinate \(name) must be 32 bytes")
        }
        return bytes
    }

    private static func expect(_ condition: Bool, _ reason: String) throws {
        guard condition else { throw WebAuthnError.malformedPublicKey(reason) }
    }
}
