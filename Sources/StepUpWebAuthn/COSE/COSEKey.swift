/// A credential public key in COSE_Key form (RFC 9052 §7), as the authenticator sent it and the server stores it.
///
/// Parsing checks that key type, curve and algorithm agree (an EC2 key claiming EdDSA is refused) and that the
/// coordinates are a valid key, so a stored `COSEKey` always verifies with the algorithm it names.
///
/// ```swift
/// let key = try COSEKey(bytes: storedPublicKey)
/// try key.verify(signature: signature, over: authenticatorData + clientDataHash)
/// ```
public struct COSEKey: Sendable {
    /// The algorithm the key is bound to (COSE label 3).
    public let algorithm: COSEAlgorithm
    /// The exact CBOR bytes the key was read from: what the server stores and later passes back.
    public let bytes: [UInt8]
    let key: SignatureKey

    /// Reads a COSE key that spans all of `bytes`.
    public init(bytes: [UInt8]) throws {
        try self.init(cbor: CBORDecoder().decode(bytes), bytes: bytes)
    }

    init(cbor: CBOR, bytes: [UInt8]) throws {
        guard cbor.mapValue != nil else { throw WebAuthnError.malformedPublicKey("the COSE key is not a CBOR map") }
        guard let kty = cbor[int: 1]?.intValue else {
            throw WebAuthnError.malformedPublicKey("the COSE key has no kty")
        }
        guard let alg = cbor[int: 3]?.intValue else {
            throw WebAuthnError.malformedPublicKey("the COSE key has no alg")
        }
        algorithm = try COSEAlgorithm.named(alg)
        key = try Self.key(for: algorithm, kty: kty, cbor)
        self.bytes = bytes
    }

    /// Throws `bad_signature` unless `signature` is this key's signature over `data`.
    public func verify(signature: [UInt8], over data: [UInt8]) throws {
        try key.verify(signature, over: data, what: "assertion")
    }

    /// True when `signature` is this key's signature over `data`.
    public func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        key.isValidSignature(signature, for: data)
    }
}
