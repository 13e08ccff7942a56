import Foundation

/// An authorization request refused; where it goes depends on whether the redirect URI was trusted.
public struct AuthorizationRejection: Error, Sendable, Hashable {
    public var error: OIDCError
    /// Set only once the client and its exact redirect URI were verified: then the error is redirected.
    public var redirectURI: String?
    public var state: String?

    public init(_ error: OIDCError, redirectURI: String? = nil, state: String? = nil) {
        self.error = error
        self.redirectURI = error.mayRedirect ? redirectURI : nil
        self.state = state
    }
}

extension AuthorizationRequest {
    static let maximumParameterLength = 2_048

    /// Validates the query of an authorization request against the registered client.
    ///
    /// Order matters (RFC 6749 §4.1.2.1): the client and its exact redirect URI are checked first, and any problem
    /// there is never redirected; everything after is redirected with `state`.
    /// - Parameters:
    ///   - parameters: decoded query parameters in order; a repeated parameter is an error (RFC 6749 §3.1).
    ///   - client: looks a client up by id.
    public static func parse(
        _ parameters: [(String, String)],
        client lookup: (String) -> OIDCClient?
    ) throws(AuthorizationRejection) -> (AuthorizationRequest, OIDCClient) {
        var values: [String: String] = [:]
        var repeated: String?
        for (name, value) in parameters {
            if values.updateValue(value, forKey: name) != nil { repeated = repeated ?? name }
        }
        guard let clientID = values["client_id"], !clientID.isEmpty else {
            throw AuthorizationRejection(.untrustedRedirect("client_id is missing"))
        }
        guard let client = lookup(clientID) else {
            throw AuthorizationRejection(.untrustedRedirect("client_id is not registered"))
        }
        guard let redirectURI = values["redirect_uri"], !redirectURI.isEmpty else {
            throw AuthorizationRejection(.untrustedRedirect("redirect_uri is missing"))
        }
        guard client.isRegistered(redirectURI: redirectURI) else {
            throw AuthorizationRejection(.untrustedRedirect("redirect_uri is not registered for this client"))
        }
        if repeated == "client_id" || repeated == "redirect_uri" {
            throw AuthorizationRejection(.untrustedRedirect("\(repeated!) appears more than once"))
        }
        let state = values["state"]
        func reject(_ error: OIDCError) -> AuthorizationRejection {
            AuthorizationRejection(error, redirectURI: redirectURI, state: state)
        }
        if let repeated { throw reject(.invalidRequest("\(repeated) appears more than once")) }
        if let long = values.first(where: {
            $0.value.utf8.count > ($0.key == "authorization_details" ? AuthorizationDetails.maximumLength
                                                                      : maximumParameterLength)
        }) {
            throw reject(.invalidRequest("\(long.key) is too long"))
        }
        if values["request"] != nil { throw reject(.requestNotSupported) }
        if values["request_uri"] != nil { throw reject(.requestURINotSupported) }
        guard let responseType = values["response_type"] else {
            throw reject(.invalidRequest("response_type is missing"))
        }
        guard responseType == "code" else {
            throw reject(.unsupportedResponseType("only response_type=code is supported"))
        }
        if let mode = values["response_mode"], mode != "query" {
            throw reject(.invalidRequest("only response_mode=query is supported"))
        }
        let scopes = (values["scope"] ?? "").split(separator: " ").map(String.init)
        guard !scopes.isEmpty else { throw reject(.invalidScope("scope is missing; include openid")) }
        if let unknown = scopes.first(where: { !client.allowedScopes.contains($0) }) {
            throw reject(.invalidScope("scope \(unknown) is not allowed for this client"))
        }
        var request = AuthorizationRequest(
            clientID: clientID, redirectURI: redirectURI, scopes: scopes, state: state, nonce: values["nonce"],
            loginHint: values["login_hint"], idTokenHint: values["id_token_hint"]
        )
        do {
            request.codeChallenge = try parsePKCE(values, client: client)
            request.prompt = try parsePrompt(values["prompt"])
            request.maxAge = try values["max_age"].map(parseMaxAge)
            request.acrValues = (values["acr_values"] ?? "").split(separator: " ").map(String.init)
            request.acrClaim = try values["claims"].flatMap(parseAcrClaim)
            request.authorizationDetails = try values["authorization_details"].map { text throws(OIDCError) in
                try AuthorizationDetails.parse(text, allowedTypes: client.authorizationDetailsTypes ?? [])
            }
        } catch {
            throw reject(error)
        }
        return (request, client)
    }

    static func parsePKCE(_ values: [String: String], client: OIDCClient) throws(OIDCError) -> String? {
        guard let challenge = values["code_challenge"] else {
            if values["code_challenge_method"] != nil {
                throw .invalidRequest("code_challenge_method without code_challenge")
            }
            if client.isPublic { throw .invalidRequest("public clients must send a PKCE code_challenge (S256)") }
            return nil
        }
        // RFC 7636 §4.3: an absent method means `plain`, which is refused like an explicit one.
        guard values["code_challenge_method"] == "S256" else {
            throw .invalidRequest("code_challenge_method must be S256")
        }
        guard PKCE.isValidS256Challenge(challenge) else {
            throw .invalidRequest("code_challenge must be the base64url SHA-256 of the verifier (43 characters)")
        }
        return challenge
    }

    static func parsePrompt(_ text: String?) throws(OIDCError) -> Set<Prompt> {
        var prompts = Set<Prompt>()
        for word in (text ?? "").split(separator: " ") {
            guard let prompt = Prompt(rawValue: String(word)) else {
                throw .invalidRequest("prompt \(word) is not supported (none, login, consent, select_account)")
            }
            prompts.insert(prompt)
        }
        if prompts.contains(.none) && prompts.count > 1 {
            throw .invalidRequest("prompt=none cannot be combined with other prompt values")
        }
        return prompts
    }

    static func parseMaxAge(_ text: String) throws(OIDCError) -> Int {
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ (48...57).contains($0) }),
              let value = Int(text)
        else { throw .invalidRequest("max_age must be a non-negative number of seconds") }
        return value
    }

    /// The `acr` member of `claims.id_token` (preferred) or `claims.userinfo`; other requested claims are ignored.
    static func parseAcrClaim(_ text: String) throws(OIDCError) -> ClaimRequest? {
        let claims: ClaimsParameter
        do {
            claims = try JSONDecoder().decode(ClaimsParameter.self, from: Data(text.utf8))
        } catch {
            throw .invalidRequest("claims must be a JSON object whose acr member is null or {essential, value, values}")
        }
        guard let acr = claims.idToken?.acr ?? claims.userinfo?.acr else { return nil }
        return ClaimRequest(essential: acr.essential ?? false, values: (acr.value.map { [$0] } ?? []) + (acr.values ?? []))
    }
}

/// The `claims` request parameter, reduced to what StepUp acts on.
struct ClaimsParameter: Decodable {
    struct Member: Decodable {
        var essential: Bool?
        var value: String?
        var values: [String]?
    }

    /// A claims section: only `acr` is read; `null` means "requested, no constraints".
    struct Section: Decodable {
        var acr: Member?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            let key = Key(stringValue: "acr")
            if container.contains(key) {
                acr = try container.decodeNil(forKey: key) ? Member() : container.decode(Member.self, forKey: key)
            }
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var idToken: Section?
    var userinfo: Section?

    enum CodingKeys: String, CodingKey {
        case idToken = "id_token"
        case userinfo
    }
}
