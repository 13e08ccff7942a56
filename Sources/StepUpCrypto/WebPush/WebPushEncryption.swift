import Crypto
import Foundation

/// Message encryption for Web Push (RFC 8291) in the `aes128gcm` content coding (RFC 8188): one record, the
/// sender's ephemeral P-256 key in the header.
///
/// ```swift
/// let body = try WebPushEncryption.encrypt(Array(json.utf8), receiverKey: p256dh, authSecret: auth)
/// // POST body to the subscription endpoint with Content-Encoding: aes128gcm
/// ```
public enum WebPushEncryption {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The largest plaintext one 4096-byte record holds (RFC 8291 §4: push services accept at least 4096 bytes).
    public static let maxPlaintext = 4096 - 86 - 16 - 1

    /// Encrypts `plaintext` for the subscription whose `p256dh` is `receiverKey` (65-byte uncompressed point)
    /// and whose `auth` is `authSecret` (16 bytes). `senderKey` and `salt` are random unless given (tests).
    public static func encrypt(_ plaintext: [UInt8], receiverKey: [UInt8], authSecret: [UInt8],
                               senderKey: P256.KeyAgreement.PrivateKey = .init(),
                               salt: [UInt8]? = nil) throws -> [UInt8] {
        guard plaintext.count <= maxPlaintext else { throw Failure(description: "the push message is too long") }
        guard authSecret.count == 16 else { throw Failure(description: "the subscription's auth secret is not 16 bytes") }
        let receiver: P256.KeyAgreement.PublicKey
        do {
            receiver = try P256.KeyAgreement.PublicKey(x963Representation: receiverKey)
        } catch {
            throw Failure(description: "the subscription's p256dh is not a P-256 point")
        }
        let salt = salt ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        let senderPublic = Array(senderKey.publicKey.x963Representation)
        let shared = try senderKey.sharedSecretFromKeyAgreement(with: receiver)
        // RFC 8291 §3.4: IKM from the ECDH secret, keyed by the auth secret and bound to both public keys.
        let keyInfo = Array("WebPush: info".utf8) + [0] + receiverKey + senderPublic
        let ikm = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: authSecret, sharedInfo: keyInfo,
                                                 outputByteCount: 32)
        let cek = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt,
                                         info: Array("Content-Encoding: aes128gcm".utf8) + [0], outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt,
                                           info: Array("Content-Encoding: nonce".utf8) + [0], outputByteCount: 12)
        // One record, the last: the plaintext, then the delimiter 0x02 and no padding.
        let sealed = try AES.GCM.seal(plaintext + [2], using: cek,
                                      nonce: try AES.GCM.Nonce(data: nonce.withUnsafeBytes { Array($0) }))
        let recordSize: UInt32 = 4096
        let header = salt + withUnsafeBytes(of: recordSize.bigEndian, Array.init) + [UInt8(senderPublic.count)]
            + senderPublic
        return header + Array(sealed.ciphertext) + Array(sealed.tag)
    }
}
