import Foundation
import StepUpCore

extension StepUpService {
    /// Issues a new token for `session` after an authentication; returns the new token (for a new cookie).
    public func rotateToken(session: Session) async throws -> String {
        let token = Tokens.random()
        try await stores.sessions.replaceSessionToken(id: session.id, newTokenHash: Tokens.hash(token))
        return token
    }
}
