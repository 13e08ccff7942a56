import Foundation
import StepUpCore
import StepUpCrypto

/// An answer to a challenge.
public struct StepUpAnswer: Sendable {
    public var factor: FactorKind
    public var code: String
    /// Needed when the challenge says `password_required` (the session's password is too old for the level).
    public var password: String?
    /// For `webauthn`: the ceremony token from the challenge's WebAuthn options and the browser's assertion.
    public var webAuthn: (ceremony: String, credential: WebAuthnCredentialJSON)?

    public init(factor: FactorKind, code: String, password: String? = nil,
                webAuthn: (ceremony: String, credential: WebAuthnCredentialJSON)? = nil) {
        self.factor = factor
        self.code = code
        self.password = password
        self.webAuthn = webAuthn
    }
}

/// A completed challenge; `token` is set when it completed a pending sign-in (the session's new token).
public struct CompletedChallenge: Sendable {
    public var challenge: Challenge
    public var token: String?
}

extension StepUpService {
    /// The challenge if it belongs to this session; otherwise `nil` (never reveal others' challenges).
    /// A pending sign-in sees only its own challenge.
    public func challenge(id: String, for session: Session) async throws -> Challenge? {
        guard !id.isEmpty, id.count <= 128,
              let challenge = try await stores.challenges.challenge(id: id),
              challenge.userID == session.userID, challenge.sessionID == session.id,
              session.pendingChallengeID.map({ $0 == challenge.id }) ?? true
        else { return nil }
        return challenge
    }

    /// Wrong one-time codes per account, on every path (challenges, sign-in `otp`, TOTP confirmation): each
    /// challenge allows a few, and this stops an attacker with the password from opening challenge after
    /// challenge. A delay, never a lock-out.
    static let maxWrongCodes = 10
    static let wrongCodeWindow: TimeInterval = 900

    /// Pays one unit of the account's wrong-code budget before a code is checked; refund it when the code is right.
    func spendCodeGuess(user: UserRecord, client: ClientInfo, at: Date) async throws -> BudgetReceipt {
        switch try await stores.budgets.spend(key: "codes:" + user.id, limit: Self.maxWrongCodes,
                                              window: Self.wrongCodeWindow, at: at) {
        case .spent(let receipt, _):
            return receipt
        case .exhausted(let retryAfter):
            try await auditor.record("codes.throttled", at: at, user: user.id, client: client)
            throw StepUpError.rateLimited("too many wrong codes for this account", retryAfter: retryAfter)
        }
    }

    /// Verifies an answer to a pending challenge. On success the session gains authentication events (bound to
    /// the challenge's transaction), the challenge becomes a single-use grant carrying what was proven, and a
    /// pending sign-in becomes usable (with a new token).
    ///
    /// The attempt and a unit of the account's wrong-code budget are spent *before* the code is checked, so N
    /// racing answers never evaluate more than the challenge allows.
    public func verify(challengeID: String, answer: StepUpAnswer, session: Session, user: UserRecord,
                       client: ClientInfo) async throws -> CompletedChallenge {
        let at = now()
        var client = try await risk.resolve(client)
        client.deviceID = session.deviceID
        guard let challenge = try await challenge(id: challengeID, for: session) else {
            throw StepUpError.notFound("challenge '\(challengeID.prefix(64))'")
        }
        try Self.requireOpen(challenge, at: at)
        guard let plan = try await plan(for: challenge, session: session) else {
            throw StepUpError.factorNotAllowed([])
        }
        guard plan.factors.contains(answer.factor) else {
            throw StepUpError.factorNotAllowed(plan.factors.sorted())
        }
        let password = answer.password.flatMap { $0.isEmpty ? nil : $0 }
        if plan.needsPassword, password == nil { throw StepUpError.passwordRequired }
        if answer.factor == .webauthn {
            return try await verifyWebAuthn(challenge, answer: answer, password: plan.needsPassword ? password : nil,
                                            session: session, user: user, client: client, at: at)
        }

        let receipt = try await spendCodeGuess(user: user, client: client, at: at)
        guard let reserved = try await stores.challenges.reserveAttempt(challengeID: challenge.id, at: at) else {
            try await stores.budgets.refund(receipt)
            let latest = try await stores.challenges.challenge(id: challenge.id) ?? challenge
            try Self.requireOpen(latest, at: at)
            throw StepUpError.challengeFailed
        }
        var accepted = try await verifyCode(answer.factor, answer.code, user: user, challenge: challenge, at: at)
        if accepted, plan.needsPassword {
            accepted = try await passwordMatches(password ?? "", user: user)
        }
        guard accepted else {
            metrics.challenge("failed")
            try await risk.recordFailure(userID: user.id, username: user.username, ip: client.ip, at: at)
            let updated = try await stores.challenges.closeIfExhausted(challengeID: challenge.id) ?? reserved
            try await auditor.record("challenge.failed", at: at, user: user.id, session: session.id, client: client,
                                     policyVersion: challenge.policyVersion,
                                     details: ["challenge": challenge.id, "factor": answer.factor.rawValue,
                                               "attempts_left": String(updated.attemptsLeft)])
            if updated.status == .failed { throw StepUpError.challengeFailed }
            throw StepUpError.invalidCode(attemptsLeft: updated.attemptsLeft)
        }
        try await stores.budgets.refund(receipt)
        return try await complete(challenge, factors: (plan.needsPassword ? [.password] : []) + [answer.factor],
                                  session: session, user: user, client: client, at: at)
    }

    /// Records what was proven: events on the session, the grant's proof, a pending sign-in made usable.
    ///
    /// - Parameters:
    ///   - traits: what each factor's use proved when it differs from ``FactorKind/traits`` (a WebAuthn assertion's
    ///     flags).
    ///   - shortfall: thrown when the proof does not reach the challenge's level (instead of the generic refusal).
    ///   - details: more for the `challenge.verified` audit event (the credential, the WebAuthn challenge).
    func complete(_ challenge: Challenge, factors: [FactorKind], traits: [FactorKind: FactorTraits] = [:],
                  shortfall: StepUpError? = nil, details: [String: String] = [:], session: Session,
                  user: UserRecord, client: ClientInfo, at: Date) async throws -> CompletedChallenge {
        let events = factors.map {
            AuthenticationEvent(id: Tokens.id(prefix: "evt"), factor: $0, traits: traits[$0], at: at,
                                deviceID: session.deviceID, bindingHash: challenge.bindingHash)
        }
        var upgraded = session
        upgraded.events += events
        upgraded.lastSeenAt = at
        let ladder = policy.current.ladder
        // The plan promised this; checked again so a policy reload in between cannot grant less than asked.
        guard let required = ladder[challenge.requirement.level],
              ladder.levels(atLeast: required).contains(where: {
                  upgraded.satisfies($0, at: at, maxAge: challenge.requirement.maxAge == 0 ? nil
                                         : challenge.requirement.maxAge,
                                     allowedFactors: challenge.requirement.allowedFactors)
              }),
              let proof = GrantProof(session: upgraded, ladder: ladder, factors: factors, at: at,
                                     bindingHash: challenge.bindingHash)
        else {
            throw shortfall ?? StepUpError.forbidden(
                "this confirmation no longer reaches \(challenge.requirement.level) under the current policy; ask for "
                    + "a new decision")
        }
        guard try await stores.challenges.markSatisfied(challengeID: challenge.id, at: at, proof: proof) else {
            throw StepUpError.challengeNotPending
        }
        metrics.challenge("verified")
        for event in events { try await stores.sessions.appendEvent(sessionID: session.id, event) }
        var token: String?
        if session.pendingChallengeID == challenge.id,
           try await stores.sessions.activateSession(id: session.id, challengeID: challenge.id) {
            // The sign-in is complete: a new token, so the pending one is worth nothing.
            token = try await rotateToken(session: session)
            metrics.login("success")
            try await auditor.record("login.succeeded", at: at, user: user.id, session: session.id, client: client,
                                     details: ["factors": (["password"] + factors.map(\.rawValue))
                                        .joined(separator: ","), "challenge": challenge.id])
        }
        try await risk.recordSuccess(user: user, client: client, at: at)
        try await auditor.record("challenge.verified", at: at, user: user.id, session: session.id, client: client,
                                 policyVersion: challenge.policyVersion,
                                 details: details.merging(["challenge": challenge.id,
                                                           "factors": factors.map(\.rawValue).joined(separator: ","),
                                                           "action": challenge.action,
                                                           "level": challenge.requirement.level]) { $1 })
        var satisfied = challenge
        satisfied.status = .satisfied
        satisfied.satisfiedAt = at
        satisfied.proof = proof
        return CompletedChallenge(challenge: satisfied, token: token)
    }

    /// The answer a closed challenge gets: failed → 403 `challenge-failed`; satisfied or consumed → 409
    /// `challenge-not-pending`; expired → 410 `challenge-expired`.
    static func requireOpen(_ challenge: Challenge, at: Date) throws {
        switch challenge.status {
        case .failed: throw StepUpError.challengeFailed
        case .satisfied, .consumed: throw StepUpError.challengeNotPending
        case .pending: if challenge.isExpired(at: at) { throw StepUpError.challengeExpired }
        }
    }

    private func verifyCode(_ factor: FactorKind, _ code: String, user: UserRecord, challenge: Challenge,
                            at: Date) async throws -> Bool {
        switch factor {
        case .totp: return try await verifyTOTP(user: user, code: code)
        case .recoveryCode: return try await verifyRecoveryCode(user: user, code: code)
        // Only a code sent for this very challenge: its scope is the challenge id.
        case .emailOTP, .smsOTP:
            return try await consumeCode(code, user: user, scope: Self.challengeScope(challenge.id), at: at)
        default: return false
        }
    }

    func passwordMatches(_ password: String, user: UserRecord) async throws -> Bool {
        guard password.utf8.count <= 4_096, let phc = try await stores.credentials.passwordHash(userID: user.id)
        else { return false }
        return try await crypto.verifyPassword(password, phc: phc).matches
    }

    /// Checks a TOTP code against the user's active TOTP factors; a time step once accepted is never accepted
    /// again (the store refuses it atomically).
    func verifyTOTP(user: UserRecord, code: String) async throws -> Bool {
        let at = now()
        for record in try await stores.factors.factors(userID: user.id)
        where record.kind == .totp && record.status == .active {
            guard let full = try await stores.factors.factor(id: record.id), let sealed = full.sealedSecret,
                  let secret = try? crypto.open(sealed, owner: user.id, factor: record.id),
                  let step = crypto.verifyTOTP(secret: secret, parameters: record.parameters, code: code,
                                               lastStep: record.lastAcceptedStep, at: at)
            else { continue }
            if try await stores.factors.recordAcceptedStep(factorID: record.id, step: step, at: at) { return true }
        }
        return false
    }

    /// Checks a recovery code; each code works once.
    func verifyRecoveryCode(user: UserRecord, code: String) async throws -> Bool {
        let unused = try await stores.recoveryCodes.unusedRecoveryCodes(userID: user.id)
        guard let index = try await crypto.matchRecoveryCode(code, hashes: unused.map(\.hash)) else { return false }
        return try await stores.recoveryCodes.consumeRecoveryCode(id: unused[index].id, at: now())
    }

    /// A TOTP or recovery code, whichever matches, paid from the account's wrong-code budget first; used when a
    /// sign-in over the failure limit brings a one-time code.
    func verifyAnyCode(user: UserRecord, code: String, client: ClientInfo) async throws -> FactorKind? {
        let receipt = try await spendCodeGuess(user: user, client: client, at: now())
        var used: FactorKind?
        if try await verifyTOTP(user: user, code: code) {
            used = .totp
        } else if try await verifyRecoveryCode(user: user, code: code) {
            used = .recoveryCode
        }
        if used != nil { try await stores.budgets.refund(receipt) }
        return used
    }
}
