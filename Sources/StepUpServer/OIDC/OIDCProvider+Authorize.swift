import Foundation
import StepUpCore
import StepUpOIDC

/// What `/oauth2/authorize` answers.
enum AuthorizeOutcome: Sendable {
    /// Back to the client: a code, or an error for a verified redirect URI.
    case redirect(String)
    /// The client or redirect URI cannot be trusted: an error page, never a redirect.
    case errorPage(OIDCError)
    /// No usable session: the sign-in page (its username filled from `login_hint`), then `next`.
    case signIn(next: String, loginHint: String?)
    /// Signed in but not strongly or recently enough: only the step-up ceremony, then `next`.
    case stepUp(challengeID: String, next: String)
}

extension OIDCProvider {
    static let resumePath = ProviderMetadata.Path.authorize + "?resume="

    /// Runs an authorization request: validates it, asks the policy (`oidc.authorize`), and issues a code or
    /// sends the user through only the missing ceremony. The request waits in the store while they do.
    func authorize(query: [(String, String)], session: (Session, UserRecord)?, client: ClientInfo) async throws
        -> AuthorizeOutcome
    {
        let at = now
        var parameters = query
        var startedAt = at
        var pendingID: String?
        var boundChallengeID: String?
        // Back from the sign-in or step-up page (which appends its `grant`): the stored request, not the URL.
        if let resume = query.first(where: { $0.0 == "resume" })?.1,
           query.allSatisfy({ $0.0 == "resume" || $0.0 == "grant" }) {
            guard let pending = try await records.pending(id: resume, at: at) else {
                return .errorPage(.untrustedRedirect("this sign-in request has expired; start again from the application"))
            }
            parameters = pending.parameters.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
            startedAt = pending.startedAt
            pendingID = resume
            boundChallengeID = pending.challengeID
        }
        let clientID = parameters.last { $0.0 == "client_id" }?.1
        var registered: OIDCClient?
        if let clientID, !clientID.isEmpty, clientID.utf8.count <= 256 { registered = try await records.client(id: clientID) }
        let parsed: (AuthorizationRequest, OIDCClient)
        do {
            parsed = try AuthorizationRequest.parse(parameters) { $0 == registered?.id ? registered : nil }
        } catch {
            return rejected(error)
        }
        let (request, relyingParty) = parsed
        func fail(_ error: OIDCError) -> AuthorizeOutcome {
            rejected(AuthorizationRejection(error, redirectURI: request.redirectURI, state: request.state))
        }
        var requirement: AuthenticationRequirement
        do {
            requirement = try AuthenticationRequirement.resolve(request, ladder: ladder)
        } catch {
            return fail(error)
        }
        var usable = session.flatMap { $0.0.isActive(at: at) && !$0.0.isPending ? $0 : nil }
        // OIDC Core 3.1.2.1: the hint names the user the client expects; another signed-in user must sign in anew.
        if let hint = request.idTokenHint {
            guard let claims = try await verifyIDTokenHint(hint) else {
                return fail(.invalidRequest("id_token_hint is not an ID token issued by this provider"))
            }
            if let current = usable, current.0.userID != claims.sub { usable = nil }
        }
        if let (session, user) = usable {
            // The policy's word on this client and these scopes: operators can demand more for some of them.
            var resource: [String: AttributeValue] = [
                "client_id": .string(relyingParty.id),
                "scopes": .list(request.scopes.map { .string($0) }),
            ]
            if let details = request.authorizationDetails {
                resource["authorization_details_types"] = .list(details.types.map { .string($0) })
            }
            let action = ActionRequest(action: AuthorizationDetails.bindingAction, resource: resource)
            let outcome = try await service.decide(session: session, user: user, request: action, grantID: nil,
                                                   client: client)
            switch outcome.decision.outcome {
            case .deny:
                return fail(.accessDenied(outcome.decision.reason))
            case .stepUp:
                if let needed = outcome.decision.requirement, let level = ladder[needed.level] {
                    // A rule's `max_age: 0` means a factor proven during this very request.
                    let maxAge = needed.maxAge.map { $0 > 0 ? $0 : max(1, at.timeIntervalSince(startedAt) + 1) }
                    requirement = requirement.tightened(by: level, maxAge: maxAge)
                }
            case .allow:
                break
            }
        }
        let step: AuthorizationStep
        do {
            step = try AuthorizationStep.decide(session: usable?.0, requirement: requirement, ladder: ladder,
                                                requestStartedAt: startedAt, promptNone: request.prompt.contains(.none),
                                                now: at)
        } catch {
            return fail(error)
        }
        if let details = request.authorizationDetails, step != .login {
            return try await authorizeDetails(details, request: request, step: step, requirement: requirement,
                                              session: usable, client: relyingParty, pending: (pendingID, startedAt),
                                              boundChallengeID: boundChallengeID, parameters: parameters, info: client)
        }
        switch step {
        case .issue(let authentication):
            return try await issueCode(request: request, authentication: authentication, pendingID: pendingID,
                                       client: client)
        case .login:
            let id = try await pendingID.asyncOr { try await savePending(parameters, startedAt: startedAt) }
            return .signIn(next: Self.resumePath + id, loginHint: request.loginHint)
        case .stepUp(let level, let maxAge):
            guard let (session, user) = usable else { return .signIn(next: Self.resumePath, loginHint: nil) }
            let challenge = try await service.oidcChallenge(session: session, user: user, level: level, maxAge: maxAge,
                                                            clientName: relyingParty.name, client: client)
            let outcome = try await service.stepUpOutcome(for: challenge, session: session)
            if outcome.availableFactors.isEmpty {
                // Nothing this user has enrolled can reach the level.
                guard !requirement.essential, let effective = session.effectiveLevel(in: ladder, at: at) else {
                    return fail(.unmetAuthenticationRequirements("the user cannot reach \(level.acr)"))
                }
                let issued = IssuedAuthentication(session: session, level: effective, now: at)
                return try await issueCode(request: request, authentication: issued, pendingID: pendingID,
                                           client: client)
            }
            let id = try await pendingID.asyncOr { try await savePending(parameters, startedAt: startedAt) }
            return .stepUp(challengeID: challenge.id, next: Self.resumePath + id)
        }
    }

    private func rejected(_ rejection: AuthorizationRejection) -> AuthorizeOutcome {
        AuthorizationResponse.failure(rejection, issuer: issuer).map(AuthorizeOutcome.redirect) ?? .errorPage(rejection.error)
    }

    func savePending(_ parameters: [(String, String)], startedAt: Date, id: String? = nil,
                     challengeID: String? = nil) async throws -> String {
        let id = id ?? Tokens.random(bytes: 18)
        try await records.savePending(id: id, parameters: parameters, startedAt: startedAt, lifetime: pendingLifetime,
                                      challengeID: challengeID)
        return id
    }

    func issueCode(request: AuthorizationRequest, authentication: IssuedAuthentication, pendingID: String?,
                   client: ClientInfo) async throws -> AuthorizeOutcome {
        let code = Tokens.random(bytes: 32)
        try await records.save(AuthorizationCode(code: code, request: request, authentication: authentication, now: now))
        if let pendingID { try await records.removePending(id: pendingID) }
        var audit = ["client_id": request.clientID, "acr": authentication.acr]
        if let details = request.authorizationDetails {
            audit["authorization_details_types"] = details.types.joined(separator: ",")
            audit["binding_hash"] = StepUpService.sha256Hex(details.canonicalText)
        }
        try await service.auditor.record("oidc.code.issued", at: now, user: authentication.subject,
                                         session: authentication.sessionID, client: client, details: audit)
        return .redirect(AuthorizationResponse.success(redirectURI: request.redirectURI, code: code,
                                                       state: request.state, issuer: issuer))
    }
}

extension Optional where Wrapped == String {
    /// The value, or one made by `make` when nil.
    func asyncOr(_ make: () async throws -> String) async throws -> String {
        if let self { return self }
        return try await make()
    }
}
