import Foundation
import StepUpCore
import StepUpOIDC

/// What the authorization challenge endpoint answers.
enum ChallengeEndpointAnswer: Sendable {
    /// `200 {"authorization_code": …}`: redeem it at the token endpoint.
    case code(String)
    /// `400 {"error": "insufficient_authorization", "auth_session": …, "challenge_id": …}`: complete the challenge
    /// with the challenge API (`POST /v1/challenges/{id}/verify`), then call again with `auth_session`.
    case insufficient(authSession: String, challengeID: String?, reason: String)
}

extension OIDCProvider {
    /// The browserless challenge phase for first-party clients, in the style of the OAuth first-party apps draft:
    /// the same requirement, policy decision and challenge as `/oauth2/authorize`, with the app's StepUp session
    /// (`Authorization: Bearer`, from `POST /v1/sessions`) instead of a cookie and JSON instead of pages.
    func authorizationChallenge(form pairs: [(String, String)], bearer: String?, client info: ClientInfo)
        async throws -> ChallengeEndpointAnswer
    {
        let form = try FormParameters(pairs)
        var query: [(String, String)]
        if let authSession = form["auth_session"] {
            // Only a first-party client's own request continues here (a browser's pending request does not).
            guard authSession.utf8.count <= 64, let pending = try await records.pending(id: authSession, at: now),
                  let clientID = pending.parameters.last(where: { $0.first == "client_id" })?.last,
                  let client = try await records.client(id: clientID), client.firstParty
            else { throw OIDCError.invalidGrant("auth_session is unknown or expired; start again") }
            query = [("resume", authSession)]
        } else {
            guard let clientID = form["client_id"], let client = try await records.client(id: clientID) else {
                throw OIDCError.invalidClient("client_id is not registered")
            }
            guard client.firstParty else {
                throw OIDCError.unauthorizedClient("this client is not registered as first-party (--first-party)")
            }
            query = pairs.filter { !["auth_session", "client_secret", "response_type", "prompt"].contains($0.0) }
            query.append(("response_type", "code"))
        }
        let session = try await bearer.asyncFlatMap { try await service.authenticate(token: $0) }
        guard session != nil else {
            throw OIDCError.insufficientAuthorization("sign in first (POST /v1/sessions) and send the session as a bearer token")
        }
        switch try await authorize(query: query, session: session, client: info) {
        case .redirect(let location):
            let parameters = Dictionary(FormEncoding.parse(location.split(separator: "?", maxSplits: 1).last ?? "") ?? [],
                                        uniquingKeysWith: { first, _ in first })
            if let code = parameters["code"] { return .code(code) }
            throw Self.redirectedError(parameters)
        case .errorPage(let error):
            throw error
        case .signIn(let next, _):
            return .insufficient(authSession: String(next.dropFirst(Self.resumePath.count)), challengeID: nil,
                                 reason: "a new sign-in is required (POST /v1/sessions), then call again with auth_session")
        case .stepUp(let challengeID, let next):
            return .insufficient(authSession: String(next.dropFirst(Self.resumePath.count)), challengeID: challengeID,
                                 reason: "complete the challenge (POST /v1/challenges/\(challengeID)/verify), then call again with auth_session")
        }
    }

    /// The OIDC error a redirect carried, for a client that gets JSON instead.
    static func redirectedError(_ parameters: [String: String]) -> OIDCError {
        let reason = parameters["error_description"] ?? "the request was refused"
        switch parameters["error"] {
        case "unmet_authentication_requirements": return .unmetAuthenticationRequirements(reason)
        case "access_denied": return .accessDenied(reason)
        case "invalid_scope": return .invalidScope(reason)
        case "unsupported_response_type": return .unsupportedResponseType(reason)
        case "login_required": return .loginRequired(reason)
        case "interaction_required": return .interactionRequired(reason)
        case "invalid_authorization_details": return .invalidAuthorizationDetails(reason)
        default: return .invalidRequest(reason)
        }
    }
}

extension Optional where Wrapped == String {
    func asyncFlatMap<T>(_ transform: (String) async throws -> T?) async throws -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
