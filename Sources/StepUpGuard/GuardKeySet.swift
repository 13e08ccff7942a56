import Crypto
import Foundation

/// The provider's published ES256 verification keys by `kid`, parsed once per JWKS fetch into swift-crypto keys.
///
/// Only EC P-256 keys meant for signatures (`use` absent or `sig`, `alg` absent or `ES256`) are kept: the
/// algorithm is pinned by the key set as well as by the token check.
struct GuardKeySet: Sendable {
    let byID: [String: P256.Signing.PublicKey]
    /// Keys published without a `kid` (StepUp always names its keys; other providers may not).
    let unnamed: [P256.Signing.PublicKey]

    private struct Document: Decodable {
        struct Key: Decodable {
            var kty: String?
            var crv: String?
            var x: String?
            var y: String?
            var kid: String?
            var alg: String?
            var use: String?
        }

        var keys: [Key]
    }

    /// - Throws: when the text is not a JWKS document, or an EC P-256 key in it has malformed coordinates.
    init(jwksJSON text: String) throws {
        let document = try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        var byID: [String: P256.Signing.PublicKey] = [:]
        var unnamed: [P256.Signing.PublicKey] = []
        for entry in document.keys where entry.kty == "EC" && entry.crv == "P-256"
            && (entry.alg ?? "ES256") == "ES256" && (entry.use ?? "sig") == "sig" {
            guard let x = entry.x.flatMap({ Base64URLTable.decode($0.utf8) }), x.count == 32,
                  let y = entry.y.flatMap({ Base64URLTable.decode($0.utf8) }), y.count == 32
            else { throw GuardError("the provider's JWKS has a malformed P-256 key") }
            let key = try P256.Signing.PublicKey(rawRepresentation: x + y)
            if let kid = entry.kid { byID[kid] = key } else { unnamed.append(key) }
        }
        self.byID = byID
        self.unnamed = unnamed
    }

    /// The keys a token with this `kid` may be signed by.
    func candidates(kid: String?) -> [P256.Signing.PublicKey] {
        guard let kid else { return unnamed + Array(byID.values) }
        return byID[kid].map { [$0] } ?? unnamed
    }

    func knows(kid: String) -> Bool { byID[kid] != nil }
}

/// The JOSE header members the guard acts on (RFC 7515 §4.1).
struct TokenHeader: Decodable, Sendable {
    var alg: String?
    var typ: String?
    var kid: String?
    /// `crit` present: extensions this verifier does not understand, so the token is refused (RFC 7515 §4.1.11).
    var critical: Bool
    /// `typ` is `at+jwt` (RFC 9068 §2.1, case-insensitive, with or without `application/`).
    var isAccessToken: Bool

    enum CodingKeys: String, CodingKey {
        case alg, typ, kid, crit
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        alg = try container.decodeIfPresent(String.self, forKey: .alg)
        typ = try container.decodeIfPresent(String.self, forKey: .typ)
        kid = try container.decodeIfPresent(String.self, forKey: .kid)
        critical = container.contains(.crit)
        let type = typ?.lowercased()
        isAccessToken = type == "at+jwt" || type == "application/at+jwt"
    }
}
