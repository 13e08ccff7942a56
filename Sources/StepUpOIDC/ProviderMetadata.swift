import Foundation
import StepUpCore

/// OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414), derived from the issuer and the ladder.
public struct ProviderMetadata: Sendable, Hashable, Codable {
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var userinfoEndpoint: String
    public var jwksURI: String
    public var introspectionEndpoint: String
    public var revocationEndpoint: String
    public var endSessionEndpoint: String
    public var scopesSupported: [String]
    public var responseTypesSupported: [String]
    public var responseModesSupported: [String]
    public var grantTypesSupported: [String]
    public var subjectTypesSupported: [String]
    public var idTokenSigningAlgValuesSupported: [String]
    public var tokenEndpointAuthMethodsSupported: [String]
    public var tokenEndpointAuthSigningAlgValuesSupported: [String]
    public var codeChallengeMethodsSupported: [String]
    public var acrValuesSupported: [String]
    public var claimsSupported: [String]
    public var claimsParameterSupported: Bool
    public var requestParameterSupported: Bool
    public var requestURIParameterSupported: Bool
    public var authorizationResponseIssParameterSupported: Bool
    public var promptValuesSupported: [String]
    public var authorizationChallengeEndpoint: String
    /// RFC 9396 §10: the `authorization_details` types registered clients may use.
    public var authorizationDetailsTypesSupported: [String]

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case jwksURI = "jwks_uri"
        case introspectionEndpoint = "introspection_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case endSessionEndpoint = "end_session_endpoint"
        case scopesSupported = "scopes_supported"
        case responseTypesSupported = "response_types_supported"
        case responseModesSupported = "response_modes_supported"
        case grantTypesSupported = "grant_types_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case tokenEndpointAuthSigningAlgValuesSupported = "token_endpoint_auth_signing_alg_values_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case acrValuesSupported = "acr_values_supported"
        case claimsSupported = "claims_supported"
        case claimsParameterSupported = "claims_parameter_supported"
        case requestParameterSupported = "request_parameter_supported"
        case requestURIParameterSupported = "request_uri_parameter_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case promptValuesSupported = "prompt_values_supported"
        case authorizationChallengeEndpoint = "authorization_challenge_endpoint"
        case authorizationDetailsTypesSupported = "authorization_details_types_supported"
    }

    /// The endpoint paths StepUp serves under the issuer.
    public enum Path {
        public static let discovery = "/.well-known/openid-configuration"
        public static let authorize = "/oauth2/authorize"
        public static let token = "/oauth2/token"
        public static let userinfo = "/oauth2/userinfo"
        public static let jwks = "/oauth2/jwks"
        public static let introspect = "/oauth2/introspect"
        public static let revoke = "/oauth2/revoke"
        public static let endSession = "/oauth2/logout"
        public static let authorizationChallenge = "/oauth2/authorize-challenge"
    }

    /// - Parameter issuer: `server.public_url` without a trailing slash.
    public init(issuer: String, ladder: LevelLadder, authorizationDetailsTypes: [String] = []) {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.issuer = base
        authorizationEndpoint = base + Path.authorize
        tokenEndpoint = base + Path.token
        userinfoEndpoint = base + Path.userinfo
        jwksURI = base + Path.jwks
        introspectionEndpoint = base + Path.introspect
        revocationEndpoint = base + Path.revoke
        endSessionEndpoint = base + Path.endSession
        scopesSupported = ["openid", "profile", "email", "offline_access"]
        responseTypesSupported = ["code"]
        responseModesSupported = ["query"]
        grantTypesSupported = ["authorization_code", "refresh_token"]
        subjectTypesSupported = ["public"]
        idTokenSigningAlgValuesSupported = ["ES256"]
        tokenEndpointAuthMethodsSupported = OIDCClient.Authentication.allCases.map(\.rawValue)
        tokenEndpointAuthSigningAlgValuesSupported = ["ES256", "RS256"]
        codeChallengeMethodsSupported = ["S256"]
        acrValuesSupported = ladder.acrValues
        claimsSupported = ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "azp",
                           "at_hash"]
        claimsParameterSupported = true
        requestParameterSupported = false
        requestURIParameterSupported = false
        authorizationResponseIssParameterSupported = true
        promptValuesSupported = ["none", "login", "consent", "select_account"]
        authorizationChallengeEndpoint = base + Path.authorizationChallenge
        authorizationDetailsTypesSupported = Array(Set(authorizationDetailsTypes)).sorted()
    }
}
