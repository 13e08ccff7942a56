import Foundation
import StepUpCore
import StepUpCrypto

/// The hand-over from a push approval back to the browser that asked for it.
///
/// The approval happens on another device, so the step-up page learns of it afterwards and then gets a new session
/// token. Only the browser whose prompt was approved may take that token: "Approve on my phone" gives it a secret
/// (a cookie), stored sealed with the number its page shows; the hand-over needs that secret, and the number must be
/// the one the approver picked (its prompt consumed). Someone else holding the same session token who starts their
/// own prompt, or none, gets nothing, and the hand-over works once.
extension StepUpService {
    static func handoffScope(_ challengeID: String) -> String { "push-done:" + challengeID }

    /// The name of the cookie that carries the hand-over secret of `challengeID`.
    public static func handoffCookie(_ challengeID: String) -> String { "stepup_push_" + challengeID }

    /// Records the hand-over secret for the prompt that shows `prompt.number`; returns the secret for the cookie.
    public func startPushHandoff(challengeID: String, userID: String, prompt: PushPrompt) async throws -> String {
        let secret = Tokens.random(bytes: 24)
        let scope = Self.handoffScope(challengeID)
        try await stores.codes.addCode(OneTimeCodeRecord(
            id: Tokens.id(prefix: "pho"), userID: userID, factorID: "", scope: scope,
            sealedCode: try crypto.seal(Array("\(secret)\n\(prompt.number)".utf8), owner: userID, factor: scope),
            createdAt: now(), expiresAt: prompt.expiresAt.addingTimeInterval(300)))
        return secret
    }

    /// `true`, once, when `secret` belongs to the prompt the approver approved for this satisfied challenge.
    public func finishPushHandoff(_ challenge: Challenge, secret: String) async throws -> Bool {
        guard challenge.status == .satisfied, challenge.proof?.factors.contains(.push) == true,
              !secret.isEmpty, secret.utf8.count <= 64
        else { return false }
        let at = now()
        let scope = Self.handoffScope(challenge.id)
        for record in try await stores.codes.openCodes(scope: scope, at: at) where record.userID == challenge.userID {
            guard let bytes = try? crypto.open(record.sealedCode, owner: challenge.userID, factor: scope) else { continue }
            let parts = String(decoding: bytes, as: UTF8.self).split(separator: "\n", maxSplits: 1).map(String.init)
            guard parts.count == 2, ConstantTime.equals(Array(parts[0].utf8), Array(secret.utf8)) else { continue }
            // Still open: not the prompt the approver answered (the approved one was consumed).
            let pushScope = Self.pushScope(challenge.id)
            for open in try await stores.codes.openCodes(scope: pushScope, at: at) {
                if let number = try? crypto.open(open.sealedCode, owner: challenge.userID, factor: pushScope),
                   String(decoding: number, as: UTF8.self) == parts[1] { return false }
            }
            return try await stores.codes.consumeCode(id: record.id, at: at)
        }
        return false
    }
}
