import Crypto
import Foundation
import StepUpCore
import StepUpCrypto

/// The server's VAPID key (RFC 8292), kept in the configuration sealed with the keyring like other secrets.
public enum VAPIDKeys {
    static let context = SealContext(owner: "stepup", factor: "vapid")

    /// A new VAPID key sealed with `sealingKeys` (the keyring string): what `stepup init` writes as
    /// `push.vapid_key`.
    public static func generateSealed(sealingKeys: String) throws -> String {
        let sealer = SecretSealer(keyring: try SecretKeyring(parsing: sealingKeys))
        let key = P256.Signing.PrivateKey()
        return Data(try sealer.seal(Array(key.rawRepresentation), context: context)).base64EncodedString()
    }
}

extension StepUpService {
    /// The configured VAPID signer; `nil` without `push.vapid_key`. Throws when the key does not open (another
    /// keyring) — a startup error.
    func vapid() throws -> VAPID? {
        guard let sealed = configuration.push.vapidKey else { return nil }
        guard let envelope = Data(base64Encoded: sealed),
              let raw = try? crypto.open(envelope, owner: VAPIDKeys.context.owner, factor: VAPIDKeys.context.factor),
              let key = try? P256.Signing.PrivateKey(rawRepresentation: raw)
        else { throw StartupError("push.vapid_key does not open with secrets.sealing_keys; run stepup init again") }
        return VAPID(key: key, subject: configuration.push.subject)
    }

    /// The `applicationServerKey` for browsers' push subscriptions.
    public var vapidPublicKey: String? { (try? vapid())??.publicKey }

    /// Whether `factor` may be offered for `challenge` now: out-of-band factors need their channel, and push
    /// never completes a pending sign-in (completing it replaces the session's token, which the waiting browser
    /// would not learn).
    func canOffer(_ factor: FactorKind, for challenge: Challenge, session: Session) -> Bool {
        switch factor {
        case .push: return pushEnabled && session.pendingChallengeID != challenge.id
        default: return outOfBand(factor).map(\.enabled) ?? true
        }
    }
}
