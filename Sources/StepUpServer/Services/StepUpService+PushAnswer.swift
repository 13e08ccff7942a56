import Crypto
import Foundation
import StepUpCore
import StepUpCrypto

/// An approver's signed answer to a push prompt.
public struct PushAnswer: Sendable {
    public var factorID: String
    public var challengeID: String
    public var number: String
    public var decision: PushDecision
    /// The device key's signature over ``StepUpService/pushApprovalMessage(challengeID:number:bindingHash:decision:)``.
    public var signature: String

    public init(factorID: String, challengeID: String, number: String, decision: PushDecision, signature: String) {
        self.factorID = factorID
        self.challengeID = challengeID
        self.number = number
        self.decision = decision
        self.signature = signature
    }
}

extension StepUpService {
    /// Takes an approver's answer. No session: the device key is the credential, and its signature covers the
    /// challenge, the number and the binding hash, so an answer approves only this transaction and works once.
    ///
    /// A bad signature changes nothing (an attacker without the key cannot spend the user's attempts); a wrong
    /// number spends an attempt; "this wasn't me" closes the challenge.
    public func answerPush(_ answer: PushAnswer, client: ClientInfo) async throws -> Challenge {
        let at = now()
        let refused = StepUpError.forbidden("this approval is not valid")
        let receipts = try await spendAnswerBudget(challengeID: answer.challengeID, client: client, at: at)
        let completed = try await verifyAnswer(answer, refused: refused, client: client, at: at)
        // Only failures stay counted: an approver answering normally never runs into the limit.
        for receipt in receipts { try await stores.budgets.refund(receipt) }
        return completed
    }

    private func verifyAnswer(_ answer: PushAnswer, refused: StepUpError, client: ClientInfo, at: Date) async throws
        -> Challenge
    {
        guard answer.factorID.count <= 128, answer.challengeID.count <= 128, answer.number.count <= 4,
              let factor = try await stores.factors.factor(id: answer.factorID), factor.kind == .push,
              factor.status == .active, let encoded = factor.parameters["device_key"],
              let keyBytes = VAPID.decodeBase64URL(encoded),
              let deviceKey = try? P256.Signing.PublicKey(x963Representation: keyBytes),
              let challenge = try await stores.challenges.challenge(id: answer.challengeID),
              challenge.userID == factor.userID
        else { throw refused }
        let message = Self.pushApprovalMessage(challengeID: challenge.id, number: answer.number,
                                               bindingHash: challenge.bindingHash, decision: answer.decision)
        guard Self.verifyDeviceSignature(answer.signature, message: message, key: deviceKey) else {
            try await auditor.record("push.bad_signature", at: at, user: factor.userID, client: client,
                                     details: ["challenge": challenge.id, "factor": factor.id])
            throw refused
        }
        try Self.requireOpen(challenge, at: at)
        guard let session = try await stores.sessions.session(id: challenge.sessionID),
              let user = try await stores.credentials.user(id: challenge.userID)
        else { throw refused }
        let owner = ClientInfo(ip: session.ip, userAgent: session.userAgent, deviceID: session.deviceID)
        if answer.decision == .deny {
            return try await denyPush(challenge, factor: factor, session: session, user: user, client: client, at: at)
        }
        guard let plan = try await plan(for: challenge, session: session), plan.factors.contains(.push),
              !plan.needsPassword
        else { throw StepUpError.factorNotAllowed([]) }
        guard let reserved = try await stores.challenges.reserveAttempt(challengeID: challenge.id, at: at) else {
            try Self.requireOpen(try await stores.challenges.challenge(id: challenge.id) ?? challenge, at: at)
            throw StepUpError.challengeFailed
        }
        guard try await consumeCode(number: answer.number, user: user, scope: Self.pushScope(challenge.id), at: at)
        else {
            metrics.challenge("failed")
            let updated = try await stores.challenges.closeIfExhausted(challengeID: challenge.id) ?? reserved
            try await auditor.record("challenge.failed", at: at, user: user.id, session: session.id, client: client,
                                     policyVersion: challenge.policyVersion,
                                     details: ["challenge": challenge.id, "factor": factor.id, "kind": "push",
                                               "attempts_left": String(updated.attemptsLeft)])
            if updated.status == .failed { throw StepUpError.challengeFailed }
            throw StepUpError(.invalidCode, "that is not the number on the screen; \(updated.attemptsLeft) attempts left",
                              attemptsLeft: updated.attemptsLeft)
        }
        try await stores.factors.recordFactorUse(id: factor.id, at: at)
        return try await complete(challenge, factors: [.push], details: ["factor": factor.id], session: session,
                                  user: user, client: owner, at: at).challenge
    }

    /// A two-digit number against the open push prompts of `scope`, consumed once.
    private func consumeCode(number: String, user: UserRecord, scope: String, at: Date) async throws -> Bool {
        for record in try await stores.codes.openCodes(scope: scope, at: at) where record.userID == user.id {
            guard let stored = try? crypto.open(record.sealedCode, owner: user.id, factor: scope),
                  ConstantTime.equals(stored, Array(number.utf8))
            else { continue }
            return try await stores.codes.consumeCode(id: record.id, at: at)
        }
        return false
    }

    /// "This wasn't me": the challenge fails now, the refusal counts for risk like a failed sign-in, and it is
    /// audited (and the user is told by e-mail when e-mail codes are set up).
    private func denyPush(_ challenge: Challenge, factor: FactorRecord, session: Session, user: UserRecord,
                          client: ClientInfo, at: Date) async throws -> Challenge {
        while try await stores.challenges.reserveAttempt(challengeID: challenge.id, at: at) != nil {}
        let closed = try await stores.challenges.closeIfExhausted(challengeID: challenge.id) ?? challenge
        for record in try await stores.codes.openCodes(scope: Self.pushScope(challenge.id), at: at) {
            _ = try await stores.codes.consumeCode(id: record.id, at: at)
        }
        metrics.challenge("denied")
        try await risk.recordFailure(userID: user.id, username: user.username, ip: session.ip ?? "unknown", at: at)
        try await auditor.record("push.denied", at: at, user: user.id, session: session.id, client: client,
                                 policyVersion: challenge.policyVersion,
                                 details: ["challenge": challenge.id, "factor": factor.id, "action": challenge.action])
        try? await notifyDenied(challenge, user: user, at: at)
        return closed
    }

    private func notifyDenied(_ challenge: Challenge, user: UserRecord, at: Date) async throws {
        guard emailEnabled, let record = try await stores.factors.factors(userID: user.id)
                .last(where: { $0.kind == .emailOTP && $0.status == .active }),
              let sealed = try await stores.factors.factor(id: record.id)?.sealedSecret,
              let address = try? crypto.open(sealed, owner: user.id, factor: record.id)
        else { return }
        let message = OutboundMessage(
            to: String(decoding: address, as: UTF8.self), subject: "StepUp: an approval you refused",
            body: "You answered \"this wasn't me\" to a request to \(challenge.action). It was refused. If you did not "
                + "sign in recently, change your password now.",
            idempotencyKey: "denied." + challenge.id)
        _ = try await stores.outbox.enqueue(try OutboxSealing(crypto: crypto).seal(message, channel: Self.emailChannel,
                                                                                   at: at))
    }
}
