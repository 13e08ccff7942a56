import Crypto

/// Challenges: a fresh random nonce per ceremony, optionally bound to the action being approved.
///
/// Transaction binding: for a step-up that approves one action, the challenge the authenticator signs is
/// `SHA-256(nonce ‖ bindingHash)`, where `bindingHash` is StepUp's hash of the action's canonical text. The
/// signature then covers the action, so an assertion collected for one action cannot approve another. The server
/// stores the nonce and the binding hash with the pending challenge and recomputes `bound(…)` to verify.
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// let nonce = WebAuthnChallenge.nonce(using: &rng)
/// let challenge = WebAuthnChallenge.bound(nonce: nonce, bindingHash: binding)   // send base64url(challenge)
/// ```
public enum WebAuthnChallenge {
    /// 32 bytes: well above WebAuthn's 16-byte minimum.
    public static let nonceLength = 32

    /// A fresh nonce from `generator` (the server passes `SystemRandomNumberGenerator`, tests a seeded one).
    public static func nonce(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(nonceLength)
        while bytes.count < nonceLength {
            withUnsafeBytes(of: generator.next().littleEndian) { bytes += $0 }
        }
        return bytes
    }

    /// `SHA-256(nonce ‖ bindingHash)`: the challenge that commits to one action.
    public static func bound(nonce: [UInt8], bindingHash: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: nonce)
        hasher.update(data: bindingHash)
        return Array(hasher.finalize())
    }
}
