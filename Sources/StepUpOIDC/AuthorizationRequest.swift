import Foundation

/// A validated authorization request (OpenID Connect Core 3.1.2.1 with RFC 7636 PKCE).
public struct AuthorizationRequest: Sendable, Hashable, Codable {
    public enum Prompt: String, Sendable, Hashable, Codable {
        case none, login, consent
        case selectAccount = "select_account"
    }

    /// One requested claim with `essential`, `value` and `values` (OpenID Connect Core 5.5.1).
    public struct ClaimRequest: Sendable, Hashable, Codable {
        public var essential: Bool
        public var values: [String]

        public init(essential: Bool = false, values: [String] = []) {
            self.essential = essential
            self.values = values
        }
    }

    public var clientID: String
    public var redirectURI: String
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var prompt: Set<Prompt>
    /// Seconds; `0` is handled like `prompt=login` (OIDC Core 3.1.2.1).
    public var maxAge: Int?
    /// Space-separated `acr_values`, in the client's order of preference.
    public var acrValues: [String]
    /// The `acr` member of `claims.id_token` (or `claims.userinfo`), if any.
    public var acrClaim: ClaimRequest?
    public var loginHint: String?
    public var idTokenHint: String?
    /// RFC 9396 `authorization_details`, validated against the client's types.
    public var authorizationDetails: AuthorizationDetails?

    public init(
        clientID: String, redirectURI: String, scopes: [String], state: String? = nil, nonce: String? = nil,
        codeChallenge: String? = nil, prompt: Set<Prompt> = [], maxAge: Int? = nil, acrValues: [String] = [],
        acrClaim: ClaimRequest? = nil, loginHint: String? = nil, idTokenHint: String? = nil
    ) {
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.state = state
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.prompt = prompt
        self.maxAge = maxAge
        self.acrValues = acrValues
        self.acrClaim = acrClaim
        self.loginHint = loginHint
        self.idTokenHint = idTokenHint
    }

    /// `prompt=login` or `max_age=0`: the user must authenticate again whatever the session holds.
    public var forcesLogin: Bool { prompt.contains(.login) || maxAge == 0 }

    public var isOpenID: Bool { scopes.contains("openid") }
}
