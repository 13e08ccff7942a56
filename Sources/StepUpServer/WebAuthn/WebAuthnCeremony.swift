import Foundation
import StepUpWebAuthn

/// One WebAuthn ceremony in flight, carried by the client as a sealed token instead of being stored.
///
/// The token is an AES-256-GCM envelope under the server's sealing keyring (so every instance sharing the keys can
/// open it, and nobody can read or forge one), bound by its associated data to the purpose. It names what the
/// ceremony is for — the user and session that asked, the step-up challenge — and when it expires. Single use is
/// enforced when it is redeemed: the nonce is spent in the budget store (one conditional statement) *before* the
/// response is checked, so of N racing answers exactly one is evaluated.
struct WebAuthnCeremony: Sendable, Codable, Equatable {
    enum Purpose: String, Sendable, Codable {
        case registration
        /// Step-up: an assertion for one challenge (its binding hash, if any, is folded into the WebAuthn challenge).
        case stepUp = "step-up"
        /// Usernameless passkey sign-in: no user yet.
        case signIn = "sign-in"
    }

    var purpose: Purpose
    /// 32 random bytes, base64url.
    var nonce: String
    var userID: String?
    var sessionID: String?
    var challengeID: String?
    /// Seconds since 1970.
    var expires: Int

    enum CodingKeys: String, CodingKey {
        case purpose = "p", nonce = "n", userID = "u", sessionID = "s", challengeID = "c", expires = "e"
    }

    static func new(_ purpose: Purpose, userID: String? = nil, sessionID: String? = nil, challengeID: String? = nil,
                    lifetime: TimeInterval, at now: Date) -> WebAuthnCeremony {
        var generator = SystemRandomNumberGenerator()
        return WebAuthnCeremony(purpose: purpose, nonce: Base64URL.encode(WebAuthnChallenge.nonce(using: &generator)),
                                userID: userID, sessionID: sessionID, challengeID: challengeID,
                                expires: Int(now.addingTimeInterval(lifetime).timeIntervalSince1970.rounded(.up)))
    }

    var nonceBytes: [UInt8] { Base64URL.decode(nonce) ?? [] }

    /// The bytes the authenticator signs: the nonce, or `SHA-256(nonce ‖ bindingHash)` for a bound step-up, so the
    /// assertion itself covers the approved transaction.
    func webAuthnChallenge(bindingHash: String?) -> [UInt8] {
        guard let bindingHash, let hash = Self.bytes(hex: bindingHash) else { return nonceBytes }
        return WebAuthnChallenge.bound(nonce: nonceBytes, bindingHash: hash)
    }

    func isExpired(at now: Date) -> Bool { now.timeIntervalSince1970 >= Double(expires) }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else {
                return nil
            }
            out.append(byte)
        }
        return out
    }
}

extension CredentialCrypto {
    private static let ceremonyOwner = "webauthn-ceremony"

    /// The ceremony as a sealed, URL-safe token.
    func seal(_ ceremony: WebAuthnCeremony) throws -> String {
        let json = try JSONEncoder().encode(ceremony)
        return Base64URL.encode(try seal(Array(json), owner: Self.ceremonyOwner, factor: ceremony.purpose.rawValue))
    }

    /// The ceremony a token carries, if this server sealed it for `purpose`.
    func openCeremony(_ token: String, purpose: WebAuthnCeremony.Purpose) -> WebAuthnCeremony? {
        guard token.utf8.count <= 2_048, let sealed = Base64URL.decode(token),
              let json = try? open(Data(sealed), owner: Self.ceremonyOwner, factor: purpose.rawValue),
              let ceremony = try? JSONDecoder().decode(WebAuthnCeremony.self, from: Data(json)),
              ceremony.purpose == purpose, ceremony.nonceBytes.count == WebAuthnChallenge.nonceLength
        else { return nil }
        return ceremony
    }
}
