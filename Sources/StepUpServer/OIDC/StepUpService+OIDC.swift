import Foundation
import StepUpCore

extension StepUpService {
    /// A step-up challenge for an OpenID Connect authorization: the same ceremony and pages as a policy step-up,
    /// asked for the level (and freshness) the relying party requested.
    func oidcChallenge(session: Session, user: UserRecord, level: Level, maxAge: TimeInterval?, clientName: String,
                       client: ClientInfo) async throws -> Challenge {
        let at = now()
        let challenge = Challenge(
            id: Tokens.id(prefix: "chl"), userID: user.id, sessionID: session.id, action: "oidc.authorize",
            requirement: Requirement(level: level.name, maxAge: maxAge,
                                     message: "\(clientName) asks you to confirm it is you (\(level.name))."),
            createdAt: at, expiresAt: at.addingTimeInterval(configuration.challenges.lifetime),
            attemptsLeft: configuration.challenges.maxAttempts, policyVersion: policy.current.version
        )
        try await stores.challenges.createChallenge(challenge)
        try await auditor.record("oidc.step_up", at: at, user: user.id, session: session.id, client: client,
                                 details: ["challenge": challenge.id, "client_name": clientName, "level": level.name])
        return challenge
    }
}
