import Crypto
import Foundation
import StepUpCrypto

/// The browser's `clientDataJSON` (WebAuthn §5.8.1): which ceremony, which challenge, which page.
public struct CollectedClientData: Sendable, Decodable {
    /// The two ceremonies, as the `type` member spells them.
    public enum CeremonyType: String, Sendable {
        case create = "webauthn.create"
        case get = "webauthn.get"
    }

    public let type: String
    /// The challenge as the browser wrote it (base64url).
    public let challenge: String
    public let origin: String
    /// True when the ceremony ran in an iframe of another origin.
    public let crossOrigin: Bool?
    /// The top-level page's origin, sent (by current browsers) for cross-origin ceremonies.
    public let topOrigin: String?

    /// Parses `json`; anything not a JSON object with string `type`, `challenge` and `origin` is
    /// `malformed_client_data`.
    public init(json: [UInt8]) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(json))
        } catch {
            throw WebAuthnError.malformedClientData("clientDataJSON is not the JSON a browser sends: \(error)")
        }
    }

    /// SHA-256 of the exact bytes: what the authenticator's signature covers.
    public static func hash(_ json: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: json)) }

    /// Checks type, challenge (in constant time), origin and cross-origin placement, in that order.
    func check(_ expected: CeremonyType, challenge expectedChallenge: [UInt8], for party: RelyingParty) throws {
        guard type == expected.rawValue else {
            throw WebAuthnError.typeMismatch("clientData type is \(type), expected \(expected.rawValue)")
        }
        // Text that is not canonical base64url cannot spell our challenge: it compares as empty, and fails.
        let received = Base64URL.decode(challenge) ?? []
        guard ConstantTime.equals(received, expectedChallenge), !received.isEmpty else {
            throw WebAuthnError.challengeMismatch
        }
        guard party.allowedOrigins.contains(origin) else { throw WebAuthnError.originNotAllowed(origin) }
        if crossOrigin == true {
            guard let topOrigin, party.allowedTopOrigins.contains(topOrigin) else {
                throw WebAuthnError.crossOriginNotAllowed(
                    "the ceremony ran in a cross-origin frame under \(topOrigin ?? "an unnamed page"), which is not "
                        + "an allowed top origin: open the site directly"
                )
            }
        } else if let topOrigin, topOrigin != origin {
            throw WebAuthnError.crossOriginNotAllowed(
                "topOrigin \(topOrigin) differs from origin but crossOrigin is unset")
        }
    }
}
