import Crypto
import Foundation
import StepUpCore
import StepUpCrypto

/// A push prompt: the number the step-up page shows, which the approver must pick among three.
public struct PushPrompt: Sendable {
    public var number: String
    public var expiresAt: Date
    public var approvers: Int
}

/// The approver's answer.
public enum PushDecision: String, Sendable {
    case approve
    /// "This wasn't me": closes the challenge, counts as a failed attempt for risk, is audited.
    case deny
}

extension StepUpService {
    static func pushScope(_ challengeID: String) -> String { "push:" + challengeID }

    /// What the approver's device key signs.
    public static func pushApprovalMessage(challengeID: String, number: String, bindingHash: String?,
                                           decision: PushDecision) -> String {
        "stepup-push-v1\n\(challengeID)\n\(number)\n\(bindingHash ?? "-")\n\(decision.rawValue)"
    }

    /// Sends a push prompt for `challengeID` to the user's approvers; returns the number to show. At most
    /// `push.prompts_per_10_minutes` prompts per account (push fatigue), 429 beyond.
    public func startPushApproval(challengeID: String, session: Session, user: UserRecord, client: ClientInfo)
        async throws -> PushPrompt
    {
        let at = now()
        guard let challenge = try await challenge(id: challengeID, for: session) else {
            throw StepUpError.notFound("challenge '\(challengeID.prefix(64))'")
        }
        try Self.requireOpen(challenge, at: at)
        let plan = try await plan(for: challenge, session: session)
        guard let plan, plan.factors.contains(.push), !plan.needsPassword else {
            throw StepUpError.factorNotAllowed((plan?.factors ?? []).sorted())
        }
        if case .exhausted(let retryAfter) = try await stores.budgets.spend(
            key: "push:" + user.id, limit: configuration.push.promptsPerTenMinutes, window: 600, at: at) {
            try await auditor.record("push.throttled", at: at, user: user.id, session: session.id, client: client)
            throw StepUpError.rateLimited("too many approval requests for this account", retryAfter: retryAfter)
        }
        var generator = SystemRandomNumberGenerator()
        // Two open prompts of one challenge never share a number, so an approval names exactly one prompt (and the
        // browser that asked for it gets the hand-over).
        let scope = Self.pushScope(challenge.id)
        let taken = Set(try await stores.codes.openCodes(scope: scope, at: at).compactMap {
            (try? crypto.open($0.sealedCode, owner: user.id, factor: scope)).map { String(decoding: $0, as: UTF8.self) }
        })
        var number = Int.random(in: 10...99, using: &generator)
        while taken.contains(String(number)), taken.count < 90 { number = Int.random(in: 10...99, using: &generator) }
        var choices = [number]
        while choices.count < 3 {
            let decoy = Int.random(in: 10...99, using: &generator)
            if !choices.contains(decoy) { choices.append(decoy) }
        }
        choices.shuffle(using: &generator)
        let expires = min(challenge.expiresAt, at.addingTimeInterval(Double(configuration.push.ttl)))
        let record = OneTimeCodeRecord(id: Tokens.id(prefix: "psh"), userID: user.id, factorID: "", scope: scope,
                                       sealedCode: try crypto.seal(Array(String(number).utf8), owner: user.id,
                                                                   factor: scope),
                                       createdAt: at, expiresAt: expires)
        try await stores.codes.addCode(record)
        let approvers = try await stores.factors.factors(userID: user.id).filter { $0.kind == .push && $0.status == .active }
        let sealing = OutboxSealing(crypto: crypto)
        let resolved = try await risk.resolve(client)
        let context = [UserAgentFamily(client.userAgent)?.name, resolved.country].compactMap { $0 }
        for approver in approvers {
            guard let sealed = try await stores.factors.factor(id: approver.id)?.sealedSecret,
                  let subscription = try? crypto.open(sealed, owner: user.id, factor: approver.id)
            else { continue }
            let payload: [String: Any] = [
                "type": "stepup.approval", "challenge_id": challenge.id, "factor_id": approver.id,
                "choices": choices, "message": Self.codePurpose(challenge), "context": context.joined(separator: ", "),
                "binding_hash": challenge.bindingHash ?? "", "expires_at": Int(expires.timeIntervalSince1970),
                "answer_url": configuration.http.publicURL.trimmingSuffix("/") + "/v1/push/answers",
            ]
            let body = String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]),
                              as: UTF8.self)
            let message = OutboundMessage(to: String(decoding: subscription, as: UTF8.self), subject: "", body: body,
                                          idempotencyKey: "\(record.id).\(approver.id)")
            _ = try await stores.outbox.enqueue(try sealing.seal(message, channel: Self.pushChannel, at: at))
        }
        try await listApproval(PendingApproval(challengeID: challenge.id, choices: choices,
                                               message: Self.codePurpose(challenge),
                                               context: context.joined(separator: ", "),
                                               bindingHash: challenge.bindingHash ?? "",
                                               expiresAt: Int(expires.timeIntervalSince1970)),
                               userID: user.id, at: at, expires: expires)
        try await auditor.record("push.prompted", at: at, user: user.id, session: session.id, client: client,
                                 details: ["challenge": challenge.id, "approvers": String(approvers.count)])
        return PushPrompt(number: String(number), expiresAt: expires, approvers: approvers.count)
    }

    /// The number of the challenge's open push prompt, for the step-up page; `nil` when there is none.
    public func pushNumber(challengeID: String, userID: String) async throws -> String? {
        let scope = Self.pushScope(challengeID)
        guard let record = try await stores.codes.openCodes(scope: scope, at: now()).first(where: {
            $0.userID == userID
        }), let bytes = try? crypto.open(record.sealedCode, owner: userID, factor: scope) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
