import Foundation

/// A registered relying party.
///
/// Confidential clients authenticate at the token endpoint with a secret (stored only as a PHC hash) or with a
/// signed assertion (`private_key_jwt`, keys from `jwks`); public clients cannot keep a secret and must use PKCE.
public struct OIDCClient: Sendable, Hashable, Codable {
    public enum Authentication: String, Sendable, Hashable, Codable, CaseIterable {
        case none
        case clientSecretBasic = "client_secret_basic"
        case clientSecretPost = "client_secret_post"
        case privateKeyJWT = "private_key_jwt"
    }

    /// What a refresh does when the level the tokens were issued at is no longer fresh.
    public enum RefreshPolicy: String, Sendable, Hashable, Codable {
        /// Issue tokens at the strongest level still valid (the elevation visibly expires).
        case downgrade
        /// Refuse the refresh (`invalid_grant`): the client must send the user through `/authorize` again.
        case reauthenticate
    }

    public var id: String
    public var name: String
    /// Matched exactly, character for character (no prefix, no normalisation).
    public var redirectURIs: [String]
    public var postLogoutRedirectURIs: [String]
    public var authentication: Authentication
    /// PHC string of the client secret; nil for public and `private_key_jwt` clients.
    public var secretHash: String?
    /// JWKS JSON for `private_key_jwt`.
    public var jwks: String?
    public var allowedScopes: [String]
    public var accessTokenLifetime: TimeInterval
    public var idTokenLifetime: TimeInterval
    public var refreshTokenLifetime: TimeInterval
    public var refreshPolicy: RefreshPolicy
    /// May use the browserless authorization challenge endpoint.
    public var firstParty: Bool
    /// The access token's `aud` (the resource server's identifier); the issuer when nil.
    public var audience: String?
    /// RFC 9396 `authorization_details` types this client may request (none when nil or empty).
    public var authorizationDetailsTypes: [String]?
    /// Tokens carrying `authorization_details` are single-use at introspection: the first introspection answers
    /// active, every later one `{"active": false}`. Refreshed tokens of such a client carry no details.
    public var singleUseAuthorizationDetails: Bool?

    public init(
        id: String,
        name: String? = nil,
        redirectURIs: [String],
        postLogoutRedirectURIs: [String] = [],
        authentication: Authentication,
        secretHash: String? = nil,
        jwks: String? = nil,
        allowedScopes: [String] = ["openid", "profile", "email", "offline_access"],
        accessTokenLifetime: TimeInterval = 600,
        idTokenLifetime: TimeInterval = 600,
        refreshTokenLifetime: TimeInterval = 30 * 86_400,
        refreshPolicy: RefreshPolicy = .downgrade,
        firstParty: Bool = false,
        audience: String? = nil,
        authorizationDetailsTypes: [String] = [],
        singleUseAuthorizationDetails: Bool = false
    ) {
        self.id = id
        self.name = name ?? id
        self.redirectURIs = redirectURIs
        self.postLogoutRedirectURIs = postLogoutRedirectURIs
        self.authentication = authentication
        self.secretHash = secretHash
        self.jwks = jwks
        self.allowedScopes = allowedScopes
        self.accessTokenLifetime = accessTokenLifetime
        self.idTokenLifetime = idTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.refreshPolicy = refreshPolicy
        self.firstParty = firstParty
        self.audience = audience
        self.authorizationDetailsTypes = authorizationDetailsTypes
        self.singleUseAuthorizationDetails = singleUseAuthorizationDetails
    }

    public var isPublic: Bool { authentication == .none }

    /// Whether this client's tokens with `authorization_details` answer active at one introspection only.
    public var detailsAreSingleUse: Bool { singleUseAuthorizationDetails ?? false }

    /// Exact string match (RFC 9700 §4.1.3): no prefix, wildcard or case folding.
    public func isRegistered(redirectURI: String) -> Bool { redirectURIs.contains(redirectURI) }
}
