import Crypto
import Foundation
import StepUpCrypto

/// The sealing keyring and cookie key, from the configuration or the environment
/// (`STEPUP_SEALING_KEYS`, `STEPUP_COOKIE_KEY`, which win). Missing or malformed keys stop startup.
public struct ResolvedSecrets: Sendable {
    let sealer: SecretSealer
    let cookieKey: SymmetricKey
    /// The bearer token `/metrics` requires, if any.
    let metricsToken: String?

    init(configuration: ServerConfiguration, environment: [String: String]) throws {
        let sealing = environment["STEPUP_SEALING_KEYS"] ?? configuration.secrets.sealingKeys
        let cookie = environment["STEPUP_COOKIE_KEY"] ?? configuration.secrets.cookieKey
        guard !sealing.isEmpty, !cookie.isEmpty else {
            throw StartupError("no secrets configured: run `stepup init` (it writes them to stepup.yaml), or set " +
                               "STEPUP_SEALING_KEYS and STEPUP_COOKIE_KEY")
        }
        do {
            sealer = SecretSealer(keyring: try SecretKeyring(parsing: sealing))
        } catch {
            throw StartupError("secrets.sealing_keys is not valid: \(error) (expected id:base64-32-byte-key,…)")
        }
        guard let key = Data(base64Encoded: cookie), key.count == 32 else {
            throw StartupError("secrets.cookie_key must be 32 random bytes in base64")
        }
        cookieKey = SymmetricKey(data: key)
        metricsToken = environment["STEPUP_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? configuration.metrics.token
    }

    /// New random secrets in configuration form: `(sealing_keys, cookie_key, metrics token)`.
    public static func generate() -> (sealingKeys: String, cookieKey: String, metricsToken: String) {
        let sealing = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let cookie = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let id = "k" + String(Int(Date().timeIntervalSince1970))
        return ("\(id):\(sealing)", cookie, Tokens.random(bytes: 24))
    }
}
