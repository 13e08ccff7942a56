import Foundation
import StepUpCore
import StepUpOIDC

extension OIDCProvider {
    /// `/authorize` with RFC 9396 `authorization_details`, for a signed-in user: the details are confirmed in a
    /// step-up bound to them exactly like a policy `bind` (the challenge's binding hash is the SHA-256 of their
    /// canonical form, the page shows them), and a code is issued only once that very challenge — remembered with
    /// the pending request, never taken from the URL — is satisfied for the same hash. Its grant is consumed, so one
    /// confirmation yields one code.
    func authorizeDetails(
        _ details: AuthorizationDetails, request: AuthorizationRequest, step: AuthorizationStep,
        requirement: AuthenticationRequirement, session usable: (Session, UserRecord)?, client relyingParty: OIDCClient,
        pending: (id: String?, startedAt: Date), boundChallengeID: String?, parameters: [(String, String)],
        info: ClientInfo
    ) async throws -> AuthorizeOutcome {
        func fail(_ error: OIDCError) -> AuthorizeOutcome {
            let rejection = AuthorizationRejection(error, redirectURI: request.redirectURI, state: request.state)
            return AuthorizationResponse.failure(rejection, issuer: issuer).map(AuthorizeOutcome.redirect)
                ?? .errorPage(error)
        }
        if request.prompt.contains(.none) {
            return fail(.interactionRequired("authorization_details need the user's confirmation"))
        }
        guard let (session, user) = usable else {
            return fail(.loginRequired("the user is not signed in"))
        }
        let hash = StepUpService.sha256Hex(details.canonicalText)
        let level = confirmationLevel(for: requirement)
        if case .issue(let authentication) = step, let boundChallengeID,
           try await confirmed(boundChallengeID, session: session, hash: hash, level: level) {
            return try await issueCode(request: request, authentication: authentication, pendingID: pending.id,
                                       client: info)
        }
        let challenge = try await service.oidcChallenge(session: session, user: user, level: level,
                                                        maxAge: requirement.maxAge, clientName: relyingParty.name,
                                                        details: details, client: info)
        guard try await !service.stepUpOutcome(for: challenge, session: session).availableFactors.isEmpty else {
            return fail(.unmetAuthenticationRequirements("the user has no factor to confirm these details at \(level.acr)"))
        }
        let id = try await savePending(parameters, startedAt: pending.startedAt, id: pending.id,
                                       challengeID: challenge.id)
        return .stepUp(challengeID: challenge.id, next: Self.resumePath + id)
    }

    /// The level a transaction is confirmed at: the one the request (or the policy) asks for, and at least the
    /// ladder's second rung — a password alone never approves a transaction.
    func confirmationLevel(for requirement: AuthenticationRequirement) -> Level {
        let floor = ladder.levels.dropFirst().first ?? requirement.level
        return floor.rank > requirement.level.rank ? floor : requirement.level
    }

    /// Whether `challengeID` is this session's satisfied step-up for exactly the details hashing to `hash`, proved
    /// at `level` or above; consumed here (one conditional update), so racing resumptions get one code.
    func confirmed(_ challengeID: String, session: Session, hash: String, level: Level) async throws -> Bool {
        guard let challenge = try await service.stores.challenges.challenge(id: challengeID),
              challenge.sessionID == session.id, challenge.action == AuthorizationDetails.bindingAction,
              challenge.status == .satisfied, challenge.bindingHash == hash,
              let proof = challenge.proof, proof.bindingHash == hash,
              let proved = ladder[proof.level], proved.rank >= level.rank
        else { return false }
        return try await service.stores.challenges.consumeGrant(challengeID: challengeID, at: now)
    }

    /// Discovery with the `authorization_details` types the registered clients may use.
    public func discovery() async throws -> ProviderMetadata {
        let types = try await records.clients().flatMap { $0.authorizationDetailsTypes ?? [] }
        return ProviderMetadata(issuer: issuer, ladder: ladder, authorizationDetailsTypes: types)
    }
}
