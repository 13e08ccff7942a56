import Foundation
import JWTKit

/// The gateway's signed statement to an upstream about the request it forwards (issue #13): who the user is, how
/// strongly and recently they proved it, and which request this is — so an upstream that verifies it against the
/// provider's JWKS needs to trust neither the network nor plain identity headers. Short-lived and bound to the
/// request's method and URL (`htm`, `htu`, as DPoP binds a proof), so it cannot be replayed for another request.
public struct GatewayAssertionClaims: JWTPayload, Hashable {
    public var iss: String
    public var sub: String
    /// The upstream's origin (`http://127.0.0.1:3000`): an assertion for one application is not one for another.
    public var aud: String
    public var iat: Date
    public var exp: Date
    public var jti: String
    public var sid: String
    public var acr: String?
    public var amr: [String]
    public var authTime: Date?
    public var username: String
    public var roles: [String]
    /// The forwarded request's method and URL (scheme, host and path, without the query).
    public var htm: String
    public var htu: String

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, exp, jti, sid, acr, amr, username, roles, htm, htu
        case authTime = "auth_time"
    }

    /// The JOSE `typ`: not an access token or an ID token, and never accepted as one.
    public static let type = "stepup-assertion+jwt"

    public init(issuer: String, audience: String, subject: String, sessionID: String, username: String,
                roles: [String], acr: String?, amr: [String], authTime: Date?, method: String, url: String,
                id: String, issuedAt: Date, lifetime: TimeInterval) {
        iss = issuer
        aud = audience
        sub = subject
        sid = sessionID
        self.username = username
        self.roles = roles
        self.acr = acr
        self.amr = amr
        self.authTime = authTime?.wholeSeconds
        htm = method
        htu = url
        jti = id
        iat = issuedAt.wholeSeconds
        exp = (issuedAt + lifetime).wholeSeconds
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try ExpirationClaim(value: exp).verifyNotExpired()
    }
}

extension TokenSigner {
    public func sign(_ claims: GatewayAssertionClaims) async throws -> String {
        var header = JWTHeader()
        header.typ = GatewayAssertionClaims.type
        return try await keys.sign(claims, kid: JWKIdentifier(string: keyID), header: header)
    }
}
