import Foundation
import HTTPTypes
import StepUpCore
import StepUpOIDC

/// `gateway.assertion`: the gateway signs, for each request it forwards, a short-lived JWT saying who the user is and
/// how strongly and recently they proved it, bound to the request's method and URL and to the upstream's origin
/// (``GatewayAssertionClaims``). It is signed with the OpenID Provider's active key, so an upstream verifies it
/// against `/oauth2/jwks` like any StepUp token, and a rotated key keeps verifying its assertions.
struct GatewayAssertions: Sendable {
    let provider: OIDCProvider
    let lifetime: TimeInterval

    static let header = HTTPField.Name("StepUp-Assertion")!

    func sign(session: Session, user: UserRecord, ladder: LevelLadder, method: String, url: String,
              audience: String) async throws -> String {
        let now = provider.service.now()
        let level = session.effectiveLevel(in: ladder, at: now)
        let claims = GatewayAssertionClaims(
            issuer: provider.issuer, audience: audience, subject: user.id, sessionID: session.id,
            username: user.username, roles: user.roles, acr: level?.acr, amr: session.amr,
            authTime: session.events.map(\.at).max(), method: method, url: url, id: Tokens.id(prefix: "asr"),
            issuedAt: now, lifetime: lifetime)
        return try await provider.signer().sign(claims)
    }
}
