import Crypto
import Foundation

/// HMAC-SHA256 signatures for cookie values and CSRF tokens, keyed by the configured cookie key.
struct CookieSigner: Sendable {
    private let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    /// `value.signature`; values must not contain '.'.
    func sign(_ value: String, purpose: String) -> String {
        value + "." + mac(value, purpose: purpose)
    }

    /// The value if its signature is valid (constant-time check), else `nil`.
    func verify(_ signed: String, purpose: String) -> String? {
        guard signed.count <= 512, let dot = signed.lastIndex(of: ".") else { return nil }
        let value = String(signed[..<dot])
        let signature = Data(base64URLEncoded: String(signed[signed.index(after: dot)...])) ?? Data()
        let valid = HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data((purpose + "|" + value).utf8),
                                                           using: key)
        return valid ? value : nil
    }

    private func mac(_ value: String, purpose: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data((purpose + "|" + value).utf8), using: key)).base64URLEncoded()
    }

    /// A CSRF token bound to a session (or a pre-session cookie id), verified without server state.
    func csrfToken(binding: String) -> String { mac(binding, purpose: "csrf") }

    func verifyCSRF(_ token: String?, binding: String) -> Bool {
        guard let token, let data = Data(base64URLEncoded: token) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(data, authenticating: Data(("csrf|" + binding).utf8), using: key)
    }
}
