import Crypto
import Foundation
import JWTKit

/// OpenID Connect Core 2 ID token claims, with StepUp's authentication facts (`acr`, `amr`, `auth_time`, `sid`).
public struct IDTokenClaims: JWTPayload, Hashable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var exp: Date
    public var iat: Date
    public var authTime: Date
    public var nonce: String?
    public var acr: String
    public var amr: [String]
    public var sid: String
    public var azp: String
    /// Left half of SHA-256 of the access token (OIDC Core 3.1.3.6).
    public var atHash: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce, acr, amr, sid, azp
        case authTime = "auth_time"
        case atHash = "at_hash"
    }

    public init(issuer: String, clientID: String, authentication: IssuedAuthentication, nonce: String?,
                accessToken: String?, issuedAt: Date, lifetime: TimeInterval) {
        iss = issuer
        sub = authentication.subject
        aud = clientID
        azp = clientID
        iat = issuedAt.wholeSeconds
        exp = (issuedAt + lifetime).wholeSeconds
        authTime = authentication.authTime
        self.nonce = nonce
        acr = authentication.acr
        amr = authentication.amr
        sid = authentication.sessionID
        atHash = accessToken.map(Self.atHash)
    }

    /// `at_hash`: base64url of the left-most 128 bits of SHA-256 over the ASCII access token (ES256 uses SHA-256).
    public static func atHash(_ accessToken: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8))).prefix(16))
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try ExpirationClaim(value: exp).verifyNotExpired()
    }
}

/// RFC 9068 JWT access token claims (header `typ: at+jwt`), with the RFC 9470 authentication facts.
public struct AccessTokenClaims: JWTPayload, Hashable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var exp: Date
    public var iat: Date
    public var jti: String
    public var clientID: String
    public var scope: String
    public var acr: String
    public var amr: [String]
    public var authTime: Date
    public var sid: String?
    /// RFC 9396 §9.1: the approved authorization details.
    public var authorizationDetails: AuthorizationDetails?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, jti, scope, acr, amr, sid
        case clientID = "client_id"
        case authTime = "auth_time"
        case authorizationDetails = "authorization_details"
    }

    /// The JOSE `typ` of RFC 9068 access tokens.
    public static let type = "at+jwt"

    public init(issuer: String, audience: String, clientID: String, scopes: [String],
                authentication: IssuedAuthentication, id: String, issuedAt: Date, lifetime: TimeInterval,
                authorizationDetails: AuthorizationDetails? = nil) {
        iss = issuer
        sub = authentication.subject
        aud = audience
        self.authorizationDetails = authorizationDetails
        iat = issuedAt.wholeSeconds
        exp = (issuedAt + lifetime).wholeSeconds
        jti = id
        self.clientID = clientID
        scope = scopes.joined(separator: " ")
        acr = authentication.acr
        amr = authentication.amr
        authTime = authentication.authTime
        sid = authentication.sessionID
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try ExpirationClaim(value: exp).verifyNotExpired()
    }
}
