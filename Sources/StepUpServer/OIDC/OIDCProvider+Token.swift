import Foundation
import Logging
import StepUpCore
import StepUpOIDC

/// The token endpoint's answer (RFC 6749 §5.1).
struct TokenResponse: Encodable, Sendable {
    var accessToken: String
    var tokenType = "Bearer"
    var expiresIn: Int
    var idToken: String?
    var refreshToken: String?
    var scope: String
    /// RFC 9396 §7: the approved authorization details.
    var authorizationDetails: AuthorizationDetails?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case idToken = "id_token"
        case refreshToken = "refresh_token"
        case scope
        case authorizationDetails = "authorization_details"
    }
}

extension OIDCProvider {
    /// `POST /oauth2/token`: authenticates the client, then redeems a code or rotates a refresh token.
    func token(form pairs: [(String, String)], authorization: String?, client: ClientInfo) async throws(OIDCError)
        -> TokenResponse
    {
        do {
            let form = try FormParameters(pairs)
            let relyingParty = try await authenticateClient(authorization: authorization, form: form)
            let details = form["authorization_details"]
            switch try TokenRequest.parse(pairs) {
            case let .authorizationCode(code, redirectURI, verifier):
                return try await redeem(code: code, redirectURI: redirectURI, verifier: verifier, details: details,
                                        client: relyingParty, info: client)
            case let .refreshToken(token, scopes):
                return try await refresh(token: token, scopes: scopes, details: details, client: relyingParty,
                                         info: client)
            }
        } catch let error as OIDCError {
            throw error
        } catch {
            service.logger.error("oidc token endpoint: \(String(reflecting: error))")
            throw .serverError("the token could not be issued; try again")
        }
    }

    /// Client authentication (RFC 6749 §2.3, OIDC Core 9): the method must be the one the client registered.
    /// Every failure is the same `invalid_client`, so a caller learns nothing about which clients exist.
    func authenticateClient(authorization: String?, form: FormParameters) async throws -> OIDCClient {
        let credentials = try ClientCredentials.parse(authorization: authorization, form: form)
        let failure = OIDCError.invalidClient("client authentication failed")
        let clientID: String
        switch credentials {
        case .basic(let id, _), .post(let id, _), .none(let id): clientID = id
        case .assertion(let assertion): clientID = try ClientAssertion.claimedClientID(assertion)
        }
        guard clientID.utf8.count <= 256, let relyingParty = try await records.client(id: clientID) else {
            // Same work as a real secret check: unknown client ids cannot be told apart by timing.
            if case .basic(_, let secret) = credentials { try await service.crypto.burnUnknownUser(secret.value) }
            if case .post(_, let secret) = credentials { try await service.crypto.burnUnknownUser(secret.value) }
            throw failure
        }
        guard credentials.method == relyingParty.authentication else { throw failure }
        switch credentials {
        case .basic(_, let secret), .post(_, let secret):
            guard let phc = relyingParty.secretHash,
                  try await service.crypto.verifyPassword(secret.value, phc: phc).matches else { throw failure }
        case .assertion(let assertion):
            let (jti, expiresAt) = try await ClientAssertion.verify(
                assertion, client: relyingParty, audiences: [metadata.tokenEndpoint, issuer], now: now)
            // A captured assertion is worth one request.
            let lifetime = max(1, expiresAt.timeIntervalSince(now))
            guard try await service.stores.budgets.useOnce("oidc-assertion:\(relyingParty.id):\(jti)",
                                                           lifetime: lifetime, at: now) else {
                throw OIDCError.invalidClient("client_assertion was already used (jti replay)")
            }
        case .none:
            break
        }
        return relyingParty
    }

    private func redeem(code: String, redirectURI: String?, verifier: String?, details requested: String?,
                        client: OIDCClient, info: ClientInfo) async throws -> TokenResponse
    {
        guard code.utf8.count <= 256, let stored = try await records.takeCode(code, at: now) else {
            throw OIDCError.invalidGrant("the authorization code is invalid, expired or already used")
        }
        try stored.validateRedemption(clientID: client.id, redirectURI: redirectURI, codeVerifier: verifier, now: now)
        try await requireLiveSession(stored.authentication.sessionID)
        let details = try AuthorizationDetails.forToken(approved: stored.authorizationDetails, requested: requested,
                                                        allowedTypes: client.authorizationDetailsTypes ?? [])
        var refresh: RefreshToken?
        if stored.scopes.contains("offline_access") {
            var rng = SystemRandomNumberGenerator()
            let token = RefreshToken.generate(familyID: OIDCRandom.identifier(using: &rng), using: &rng)
            try await records.create(RefreshFamily(
                id: token.familyID, clientID: client.id, scopes: stored.scopes, authentication: stored.authentication,
                secretHash: token.secretHash, createdAt: now, expiresAt: now + client.refreshTokenLifetime,
                // Single-use details are worth one introspection: a refresh must not mint them again.
                authorizationDetails: client.detailsAreSingleUse ? nil : details))
            refresh = token
        }
        try await service.auditor.record("oidc.token.issued", at: now, user: stored.authentication.subject,
                                         session: stored.authentication.sessionID, client: info,
                                         details: ["client_id": client.id, "grant": "authorization_code",
                                                   "acr": stored.authentication.acr])
        return try await tokens(client: client, scopes: stored.scopes, authentication: stored.authentication,
                                nonce: stored.nonce, refresh: refresh, details: details)
    }

    private func refresh(token text: String, scopes: [String]?, details requested: String?, client: OIDCClient,
                         info: ClientInfo) async throws -> TokenResponse
    {
        let invalid = OIDCError.invalidGrant("the refresh token is invalid, expired or revoked")
        guard let presented = RefreshToken(parsing: text), var family = try await records.family(id: presented.familyID),
              family.clientID == client.id
        else { throw invalid }
        guard family.revokedAt == nil, now < family.expiresAt else { throw invalid }
        guard family.isCurrent(presented) else {
            try await reuseDetected(family, client: client, info: info)
            throw invalid
        }
        if let scopes, let extra = scopes.first(where: { !family.scopes.contains($0) }) {
            throw OIDCError.invalidScope("scope \(extra) was not granted to this refresh token")
        }
        try await requireLiveSession(family.authentication.sessionID)
        let details = try AuthorizationDetails.forToken(approved: family.authorizationDetails, requested: requested,
                                                        allowedTypes: client.authorizationDetailsTypes ?? [])
        let authentication = try family.authenticationForRefresh(ladder: ladder, policy: client.refreshPolicy, now: now)
        var rng = SystemRandomNumberGenerator()
        let next = RefreshToken.generate(familyID: family.id, using: &rng)
        let previous = family.currentSecretHash
        family.currentSecretHash = next.secretHash
        family.generation += 1
        guard try await records.rotate(family, from: previous, at: now) else {
            // Another request rotated this token first: two holders of one token is reuse.
            try await reuseDetected(family, client: client, info: info)
            throw invalid
        }
        try await service.auditor.record("oidc.token.refreshed", at: now, user: authentication.subject,
                                         session: authentication.sessionID, client: info,
                                         details: ["client_id": client.id, "family": family.id,
                                                   "generation": String(family.generation), "acr": authentication.acr])
        return try await tokens(client: client, scopes: scopes ?? family.scopes, authentication: authentication,
                                nonce: nil, refresh: next, details: details)
    }

    private func reuseDetected(_ family: RefreshFamily, client: OIDCClient, info: ClientInfo) async throws {
        try await records.revokeFamily(id: family.id, at: now)
        try await service.auditor.record("oidc.refresh.reuse_detected", at: now, user: family.authentication.subject,
                                         session: family.authentication.sessionID, client: info,
                                         details: ["client_id": client.id, "family": family.id])
    }

    /// A signed-out or revoked session ends its tokens' refreshes and unredeemed codes.
    private func requireLiveSession(_ id: String) async throws {
        guard let session = try await service.stores.sessions.session(id: id), session.isActive(at: now) else {
            throw OIDCError.invalidGrant("the user's session has ended; sign in again")
        }
    }

    func tokens(client: OIDCClient, scopes: [String], authentication: IssuedAuthentication, nonce: String?,
                refresh: RefreshToken?, details: AuthorizationDetails? = nil) async throws -> TokenResponse {
        let signer = try await signer()
        var rng = SystemRandomNumberGenerator()
        let lifetime = min(client.accessTokenLifetime, longestTokenLifetime)
        let access = try await signer.sign(AccessTokenClaims(
            issuer: issuer, audience: client.audience ?? issuer, clientID: client.id, scopes: scopes,
            authentication: authentication, id: OIDCRandom.identifier(using: &rng), issuedAt: now, lifetime: lifetime,
            authorizationDetails: details))
        var idToken: String?
        if scopes.contains("openid") {
            idToken = try await signer.sign(IDTokenClaims(
                issuer: issuer, clientID: client.id, authentication: authentication, nonce: nonce, accessToken: access,
                issuedAt: now, lifetime: min(client.idTokenLifetime, longestTokenLifetime)))
        }
        return TokenResponse(accessToken: access, expiresIn: Int(lifetime), idToken: idToken, refreshToken: refresh?.text,
                             scope: scopes.joined(separator: " "), authorizationDetails: details)
    }
}
