import Foundation
import JWTKit
import StepUpCore
import StepUpOIDC

extension OIDCProvider {
    /// `GET /oauth2/userinfo` (OIDC Core 5.3): the subject of a valid access token, with its authentication facts.
    func userinfo(bearer: String?) async throws -> [String: JSONValue]? {
        guard let bearer, let claims = try await verifyAccessToken(bearer), claims.scope.split(separator: " ").contains("openid"),
              let session = try await service.stores.sessions.session(id: claims.sid ?? ""), session.isActive(at: now),
              let user = try await service.stores.credentials.user(id: claims.sub), !user.disabled
        else { return nil }
        return ["sub": .string(claims.sub), "preferred_username": .string(user.username), "acr": .string(claims.acr),
                "amr": .strings(claims.amr), "auth_time": .int(Int(claims.authTime.timeIntervalSince1970))]
    }

    /// `POST /oauth2/introspect` (RFC 7662, with `acr`, `amr` and `auth_time`). Any registered, authenticated
    /// client may ask; an unknown, expired, revoked or foreign token is just `{"active": false}`.
    func introspect(form pairs: [(String, String)], authorization: String?) async throws(OIDCError) -> [String: JSONValue] {
        do {
            let form = try FormParameters(pairs)
            _ = try await authenticateClient(authorization: authorization, form: form)
            guard let token = form["token"], !token.isEmpty else { throw OIDCError.invalidRequest("token is missing") }
            if let claims = try await verifyAccessToken(token),
               let session = try await service.stores.sessions.session(id: claims.sid ?? ""), session.isActive(at: now),
               try await detailsStillUsable(claims) {
                var answer: [String: JSONValue] = [
                    "active": .bool(true), "token_type": .string("Bearer"), "scope": .string(claims.scope),
                    "client_id": .string(claims.clientID), "sub": .string(claims.sub), "iss": .string(claims.iss),
                    "aud": .string(claims.aud), "jti": .string(claims.jti), "acr": .string(claims.acr),
                    "amr": .strings(claims.amr), "auth_time": .int(Int(claims.authTime.timeIntervalSince1970)),
                    "exp": .int(Int(claims.exp.timeIntervalSince1970)), "iat": .int(Int(claims.iat.timeIntervalSince1970)),
                ]
                if let details = claims.authorizationDetails { answer["authorization_details"] = .details(details) }
                return answer
            }
            if let presented = RefreshToken(parsing: token), let family = try await records.family(id: presented.familyID),
               family.revokedAt == nil, now < family.expiresAt, family.isCurrent(presented),
               let session = try await service.stores.sessions.session(id: family.authentication.sessionID),
               session.isActive(at: now) {
                return [
                    "active": .bool(true), "token_type": .string("refresh_token"),
                    "scope": .string(family.scopes.joined(separator: " ")), "client_id": .string(family.clientID),
                    "sub": .string(family.authentication.subject), "iss": .string(issuer),
                    "acr": .string(family.authentication.acr), "amr": .strings(family.authentication.amr),
                    "auth_time": .int(Int(family.authentication.authTime.timeIntervalSince1970)),
                    "exp": .int(Int(family.expiresAt.timeIntervalSince1970)),
                ].merging(family.authorizationDetails.map { ["authorization_details": .details($0)] } ?? [:]) { $1 }
            }
            return ["active": .bool(false)]
        } catch let error as OIDCError {
            throw error
        } catch {
            throw .serverError("introspection failed; try again")
        }
    }

    /// False for the second and every later introspection of an access token whose client registered
    /// `--single-use-authorization-details`: of racing introspections exactly one wins (one conditional write in
    /// the store's budget table, for every backend).
    private func detailsStillUsable(_ claims: AccessTokenClaims) async throws -> Bool {
        guard claims.authorizationDetails != nil else { return true }
        // A removed client's transaction tokens are not honoured (its single-use setting is gone with it).
        guard let client = try await records.client(id: claims.clientID) else { return false }
        guard client.detailsAreSingleUse else { return true }
        return try await service.stores.budgets.useOnce("oidc-details:\(claims.jti)",
                                                        lifetime: max(1, claims.exp.timeIntervalSince(now)), at: now)
    }

    /// `POST /oauth2/revoke` (RFC 7009): a refresh token revokes its whole family, an access token its `jti`
    /// until it expires. Unknown tokens answer 200 too (§2.2); another client's token is not touched.
    func revoke(form pairs: [(String, String)], authorization: String?, client info: ClientInfo) async throws(OIDCError) {
        do {
            let form = try FormParameters(pairs)
            let client = try await authenticateClient(authorization: authorization, form: form)
            guard let token = form["token"], !token.isEmpty else { throw OIDCError.invalidRequest("token is missing") }
            if let hint = form["token_type_hint"], hint != "access_token" && hint != "refresh_token" {
                throw OIDCError.unsupportedTokenType("token_type_hint must be access_token or refresh_token")
            }
            if let presented = RefreshToken(parsing: token), let family = try await records.family(id: presented.familyID),
               family.clientID == client.id, family.isCurrent(presented) {
                try await records.revokeFamily(id: family.id, at: now)
                try await service.auditor.record("oidc.token.revoked", at: now, user: family.authentication.subject,
                                                 client: info, details: ["client_id": client.id, "family": family.id])
            } else if let claims = try await verifyAccessToken(token), claims.clientID == client.id {
                try await records.revokeAccessToken(jti: claims.jti, until: claims.exp)
                try await service.auditor.record("oidc.token.revoked", at: now, user: claims.sub, client: info,
                                                 details: ["client_id": client.id, "jti": claims.jti])
            }
        } catch let error as OIDCError {
            throw error
        } catch {
            throw .serverError("revocation failed; try again")
        }
    }

    /// RP-initiated logout: the browser's session ends (with its refresh families) when `id_token_hint` is one of
    /// our ID tokens for that session; returns where to send the browser, if the client registered that URI.
    func logout(idTokenHint: String?, postLogoutRedirectURI: String?, state: String?, session: Session?,
                client info: ClientInfo) async throws -> (loggedOut: Bool, redirect: String?) {
        guard let hint = idTokenHint, let claims = try await verifyIDTokenHint(hint) else { return (false, nil) }
        var loggedOut = false
        if let session, session.id == claims.sid {
            try await service.logout(session: session, client: info)
            loggedOut = true
        }
        try await records.revokeFamilies(sessionID: claims.sid, at: now)
        guard let uri = postLogoutRedirectURI, let client = try await records.client(id: claims.aud),
              client.postLogoutRedirectURIs.contains(uri) else { return (loggedOut, nil) }
        var parameters: [(String, String)] = []
        if let state { parameters.append(("state", state)) }
        let query = parameters.map { "\(FormEncoding.escape($0.0))=\(FormEncoding.escape($0.1))" }.joined(separator: "&")
        return (loggedOut, query.isEmpty ? uri : uri + (uri.contains("?") ? "&" : "?") + query)
    }

    /// An ID token we signed (expired ones too: a logout hint is usually old), for its `sid` and `aud`.
    func verifyIDTokenHint(_ token: String) async throws -> IDTokenClaims? {
        guard token.utf8.count <= 8_192 else { return nil }
        let collection = JWTKeyCollection()
        for key in try await signingKeys(refresh: true).keys {
            await collection.add(ecdsa: try key.privateKey().publicKey, kid: JWKIdentifier(string: key.id))
        }
        guard let claims = try? await collection.verify(token, as: HintClaims.self) else { return nil }
        return claims.iss == issuer ? claims.claims : nil
    }
}

/// ID token claims without the expiry check (RP-initiated logout §2: the hint may have expired).
private struct HintClaims: JWTPayload {
    var claims: IDTokenClaims
    var iss: String { claims.iss }
    init(from decoder: any Decoder) throws { claims = try IDTokenClaims(from: decoder) }
    func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// A small JSON value for hand-built responses.
enum JSONValue: Encodable, Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case strings([String])
    case details(AuthorizationDetails)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .details(let value): try container.encode(value)
        }
    }
}
