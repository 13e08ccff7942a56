import Crypto
import Foundation

/// Device keys for API and mobile clients: the client holds a P-256 key pair, StepUp hands out a short-lived
/// nonce, and the client signs it. The device id is derived from the public key (`dk_` + SHA-256), so nobody
/// can claim a device without its private key, and StepUp stores no key.
struct DeviceProof: Sendable {
    let signer: CookieSigner
    var lifetime: TimeInterval = 300

    /// A nonce `random.expiry.mac`: verifiable without server state; single use is enforced by the caller.
    func nonce(at now: Date) -> String {
        let expiry = Int(now.timeIntervalSince1970 + lifetime)
        return signer.sign("\(Tokens.random(bytes: 18)):\(expiry)", purpose: "device-nonce")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Checks the signature (ECDSA P-256 with SHA-256 over the nonce's UTF-8 bytes, DER or raw r‖s) and returns
    /// the device id.
    /// - Parameter publicKey: base64 of the key as SPKI DER, X9.63 (uncompressed point) or raw 64 bytes.
    func verify(publicKey: String, nonce: String, signature: String, at now: Date) throws(Failure) -> String {
        guard let payload = signer.verify(nonce, purpose: "device-nonce"),
              let expiry = payload.split(separator: ":").last.flatMap({ Double($0) })
        else { throw Failure(description: "the nonce is not one StepUp issued; get one from GET /v1/devices/nonce") }
        guard now.timeIntervalSince1970 < expiry else {
            throw Failure(description: "the nonce expired; get a new one from GET /v1/devices/nonce")
        }
        guard let keyData = Data(base64Encoded: publicKey) ?? Data(base64URLEncoded: publicKey),
              let key = Self.publicKey(keyData)
        else { throw Failure(description: "public_key must be a base64 P-256 key (SPKI DER or X9.63)") }
        guard let signatureData = Data(base64Encoded: signature) ?? Data(base64URLEncoded: signature) else {
            throw Failure(description: "signature must be base64")
        }
        let message = Data(nonce.utf8)
        let valid: Bool
        if let der = try? P256.Signing.ECDSASignature(derRepresentation: signatureData) {
            valid = key.isValidSignature(der, for: message)
        } else if let raw = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData) {
            valid = key.isValidSignature(raw, for: message)
        } else {
            valid = false
        }
        guard valid else { throw Failure(description: "the signature does not verify with this public key") }
        return "dk_" + SHA256.hash(data: key.x963Representation).hex.prefix(40)
    }

    static func publicKey(_ data: Data) -> P256.Signing.PublicKey? {
        if let key = try? P256.Signing.PublicKey(derRepresentation: data) { return key }
        if let key = try? P256.Signing.PublicKey(x963Representation: data) { return key }
        return try? P256.Signing.PublicKey(rawRepresentation: data)
    }
}
