import Foundation
import StepUpCore
import StepUpOIDC

extension StepUpService {
    /// A step-up challenge for an OpenID Connect authorization: the same ceremony and pages as a policy step-up,
    /// asked for the level (and freshness) the relying party requested.
    ///
    /// With RFC 9396 `authorization_details` the challenge is bound like a policy `bind`: its binding hash is the
    /// SHA-256 of the details' canonical form and the page shows the details, so its grant proves exactly them.
    func oidcChallenge(session: Session, user: UserRecord, level: Level, maxAge: TimeInterval?, clientName: String,
                       details: AuthorizationDetails? = nil, client: ClientInfo) async throws -> Challenge {
        let at = now()
        let message = details?.prompt(clientName: clientName) ?? "\(clientName) asks you to confirm it is you (\(level.name))."
        let challenge = Challenge(
            id: Tokens.timeOrderedID(prefix: "chl", at: at), userID: user.id, sessionID: session.id,
            action: AuthorizationDetails.bindingAction,
            requirement: Requirement(level: level.name, maxAge: maxAge, message: message),
            bindingHash: details.map { Self.sha256Hex($0.canonicalText) }, display: details?.display ?? [:],
            createdAt: at, expiresAt: at.addingTimeInterval(configuration.challenges.lifetime),
            attemptsLeft: configuration.challenges.maxAttempts, policyVersion: policy.current.version
        )
        try await stores.challenges.createChallenge(challenge)
        var audit = ["challenge": challenge.id, "client_name": clientName, "level": level.name]
        if let hash = challenge.bindingHash { audit["binding_hash"] = hash }
        try await auditor.record("oidc.step_up", at: at, user: user.id, session: session.id, client: client,
                                 details: audit)
        return challenge
    }
}
