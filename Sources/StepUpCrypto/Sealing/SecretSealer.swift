import Crypto
import Foundation

/// What a sealed secret belongs to; its bytes are AES-GCM associated data, so an envelope copied to
/// another user's or factor's row fails to open.
public struct SealContext: Sendable, Hashable {
    public var owner: String
    public var factor: String

    public init(owner: String, factor: String) {
        self.owner = owner
        self.factor = factor
    }

    /// `user:<len>:<owner>|factor:<len>:<factor>`: length prefixes make every (owner, factor) pair distinct
    /// even when ids contain `|` or `:`.
    public var associatedData: [UInt8] {
        Array("user:\(owner.utf8.count):\(owner)|factor:\(factor.utf8.count):\(factor)".utf8)
    }
}

/// Seals factor secrets (TOTP keys and the like) for storage with AES-256-GCM.
///
/// Envelope: `0x01 | key id length (1 byte) | key id | nonce (12) | ciphertext | tag (16)`. The header is
/// authenticated together with the ``SealContext``.
///
/// ```swift
/// let sealer = SecretSealer(keyring: try SecretKeyring(parsing: config.sealKeys))
/// let stored = try sealer.seal(secret, context: SealContext(owner: userID, factor: factorID))
/// let secret = try sealer.open(stored, context: SealContext(owner: userID, factor: factorID))
/// ```
public struct SecretSealer: Sendable {
    static let version: UInt8 = 1
    public let keyring: SecretKeyring

    public init(keyring: SecretKeyring) { self.keyring = keyring }

    /// Seals `plaintext` with the newest key and a fresh random nonce.
    public func seal(_ plaintext: [UInt8], context: SealContext) throws -> [UInt8] {
        try seal(plaintext, context: context, nonce: AES.GCM.Nonce())
    }

    /// Seals with a caller-chosen nonce (deterministic tests only: never reuse a nonce with one key).
    public func seal(_ plaintext: [UInt8], context: SealContext, nonce: AES.GCM.Nonce) throws -> [UInt8] {
        let id = keyring.currentKeyID
        guard let key = keyring.keys[id] else { throw SealError.unknownKeyID(id) }
        let header = [Self.version, UInt8(id.utf8.count)] + Array(id.utf8)
        let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header + context.associatedData)
        guard let combined = box.combined else { throw SealError.malformedEnvelope("nonce size") }
        return header + Array(combined)
    }

    /// Opens an envelope sealed with any key in the keyring.
    /// - Throws: ``SealError`` unknown key id, malformed envelope, or failed authentication (tampered bytes,
    ///   wrong key, or a different owner/factor).
    public func open(_ envelope: [UInt8], context: SealContext) throws(SealError) -> [UInt8] {
        let (id, headerLength) = try Self.header(envelope)
        guard let key = keyring.keys[id] else { throw .unknownKeyID(id) }
        guard envelope.count >= headerLength + 12 + 16 else { throw .malformedEnvelope("too short") }
        do {
            let box = try AES.GCM.SealedBox(combined: envelope[headerLength...])
            let plaintext = try AES.GCM.open(
                box, using: key, authenticating: Array(envelope[..<headerLength]) + context.associatedData
            )
            return Array(plaintext)
        } catch {
            throw .authenticationFailed
        }
    }

    /// The key id an envelope was sealed with, so a rotation job can find envelopes to re-seal.
    public static func keyID(of envelope: [UInt8]) throws(SealError) -> String {
        try header(envelope).id
    }

    /// True when the envelope was sealed with an older key than the current one.
    public func needsReseal(_ envelope: [UInt8]) -> Bool {
        (try? Self.keyID(of: envelope)) != keyring.currentKeyID
    }

    private static func header(_ envelope: [UInt8]) throws(SealError) -> (id: String, length: Int) {
        guard envelope.count >= 2 else { throw .malformedEnvelope("too short") }
        guard envelope[0] == version else { throw .malformedEnvelope("unknown version \(envelope[0])") }
        let idLength = Int(envelope[1])
        guard idLength >= 1, envelope.count >= 2 + idLength,
              let id = String(validating: envelope[2..<(2 + idLength)], as: UTF8.self), SecretKeyring.isValidID(id)
        else { throw .malformedEnvelope("bad key id") }
        return (id, 2 + idLength)
    }
}
