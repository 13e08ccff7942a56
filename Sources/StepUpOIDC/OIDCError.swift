/// An OAuth 2.0 / OpenID Connect protocol error, with the `error` code the wire carries (RFC 6749 §4.1.2.1 and
/// §5.2, OpenID Connect Core 3.1.2.6, RFC 9470 §3).
///
/// Whether an authorization error may be sent back to the client's redirect URI is part of the value: an unknown
/// client or a redirect URI that is not registered must never redirect (RFC 6749 §4.1.2.1), so the browser is shown
/// a page instead.
public struct OIDCError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidGrant = "invalid_grant"
        case unauthorizedClient = "unauthorized_client"
        case unsupportedGrantType = "unsupported_grant_type"
        case unsupportedResponseType = "unsupported_response_type"
        case invalidScope = "invalid_scope"
        case accessDenied = "access_denied"
        case serverError = "server_error"
        case loginRequired = "login_required"
        case interactionRequired = "interaction_required"
        case unmetAuthenticationRequirements = "unmet_authentication_requirements"
        case requestNotSupported = "request_not_supported"
        case requestURINotSupported = "request_uri_not_supported"
        case unsupportedTokenType = "unsupported_token_type"
        case invalidToken = "invalid_token"
        case insufficientAuthorization = "insufficient_authorization"
        case invalidAuthorizationDetails = "invalid_authorization_details"
    }

    private let code: Code
    /// Human-readable `error_description`: says what the client should do next. Never contains a secret.
    public let reason: String
    /// False when the redirect URI could not be trusted: the error is shown to the user, never redirected.
    public let mayRedirect: Bool

    private init(_ code: Code, _ reason: String, mayRedirect: Bool = true) {
        self.code = code
        self.reason = reason
        self.mayRedirect = mayRedirect
    }

    /// The `error` value on the wire.
    public var error: String { code.rawValue }

    public static func invalidRequest(_ reason: String) -> Self { .init(.invalidRequest, reason) }
    public static func invalidClient(_ reason: String) -> Self { .init(.invalidClient, reason) }
    public static func invalidGrant(_ reason: String) -> Self { .init(.invalidGrant, reason) }
    public static func unauthorizedClient(_ reason: String) -> Self { .init(.unauthorizedClient, reason) }
    public static func unsupportedGrantType(_ reason: String) -> Self { .init(.unsupportedGrantType, reason) }
    public static func unsupportedResponseType(_ reason: String) -> Self { .init(.unsupportedResponseType, reason) }
    public static func invalidScope(_ reason: String) -> Self { .init(.invalidScope, reason) }
    public static func accessDenied(_ reason: String) -> Self { .init(.accessDenied, reason) }
    public static func serverError(_ reason: String) -> Self { .init(.serverError, reason) }
    public static func loginRequired(_ reason: String) -> Self { .init(.loginRequired, reason) }
    public static func interactionRequired(_ reason: String) -> Self { .init(.interactionRequired, reason) }
    public static func unmetAuthenticationRequirements(_ reason: String) -> Self {
        .init(.unmetAuthenticationRequirements, reason)
    }
    public static let requestNotSupported = Self(.requestNotSupported, "request objects are not supported")
    public static let requestURINotSupported = Self(.requestURINotSupported, "request_uri is not supported")
    public static func unsupportedTokenType(_ reason: String) -> Self { .init(.unsupportedTokenType, reason) }
    public static func invalidToken(_ reason: String) -> Self { .init(.invalidToken, reason) }
    /// The authorization challenge endpoint (OAuth first-party apps draft): the user must do more first.
    public static func insufficientAuthorization(_ reason: String) -> Self { .init(.insufficientAuthorization, reason) }

    /// RFC 9396 §5: `authorization_details` is malformed, or names a type the client may not use, or (at the token
    /// endpoint) asks for details that were not approved.
    public static func invalidAuthorizationDetails(_ reason: String) -> Self { .init(.invalidAuthorizationDetails, reason) }

    /// An authorization request whose client or redirect URI cannot be trusted: shown, never redirected.
    public static func untrustedRedirect(_ reason: String) -> Self { .init(.invalidRequest, reason, mayRedirect: false) }

    /// Same code, ignoring the description: tests and callers switch on the code.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.mayRedirect == rhs.mayRedirect }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code.rawValue): \(reason)" }

    /// The HTTP status of this error at the token, introspection and revocation endpoints (RFC 6749 §5.2: 400, and
    /// 401 for a client that failed to authenticate; RFC 6750 §3.1: 401 for a bad bearer token).
    public var tokenEndpointStatus: Int {
        switch code {
        case .invalidClient, .invalidToken: 401
        case .serverError: 500
        default: 400
        }
    }

    /// RFC 6749 §5.2 body: `{"error": …, "error_description": …}` with only the characters §5.2 allows in the
    /// description (%x20-21 / %x23-5B / %x5D-7E).
    public var jsonBody: [String: String] {
        ["error": error, "error_description": Self.wireSafe(reason)]
    }

    /// Query parameters for an error redirect (RFC 6749 §4.1.2.1, OIDC Core 3.1.2.6): `error`, `error_description`.
    public var redirectParameters: [(String, String)] {
        [("error", error), ("error_description", Self.wireSafe(reason))]
    }

    static func wireSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            let value = scalar.value
            let allowed = (0x20...0x7E).contains(value) && value != 0x22 && value != 0x5C
            return allowed ? scalar : "?"
        }))
    }
}
