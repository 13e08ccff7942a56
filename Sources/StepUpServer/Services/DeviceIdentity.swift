import Crypto
import Foundation

/// How a device becomes known: only by proving something StepUp issued.
///
/// A browser carries a signed cookie, an API client a device secret StepUp handed out at its first sign-in;
/// either way StepUp stores only `dv_` + SHA-256 of the secret, so neither the database nor the device list
/// (which shows these ids) lets anyone present the device. Device keys prove themselves with a signature
/// (``DeviceProof``). A device becomes *known* for an account only after a sign-in on it succeeded (the policy
/// allowed it, or its step-up was completed).
enum DeviceIdentity {
    /// A new device secret (32 random bytes, base64url).
    static func newSecret() -> String { Tokens.random(bytes: 32) }

    /// The id stored for the device holding `secret`.
    static func id(secret: String) -> String {
        "dv_" + SHA256.hash(data: Data(("stepup-device|" + secret).utf8)).hex.prefix(32)
    }

    /// A device secret as clients send it: base64url, 32–128 characters.
    static func isWellFormed(_ secret: String) -> Bool {
        (32...128).contains(secret.utf8.count) && secret.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }
}
