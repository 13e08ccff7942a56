import HTTPTypes
import Foundation
import StepUpCore

extension StepUpService {
    /// The challenge if it belongs to this session's user; otherwise `nil` (never reveal others' challenges).
    public func challenge(id: String, for session: Session) async throws -> Challenge? {
        guard !id.isEmpty, id.count <= 128,
              let challenge = try await stores.challenges.challenge(id: id),
              challenge.userID == session.userID, challenge.sessionID == session.id
        else { return nil }
        return challenge
    }

    /// Wrong codes per user across all challenges: each challenge allows a few, and this stops an attacker with
    /// the password from opening challenge after challenge to guess codes. It is a delay, never a lock-out.
    static let maxWrongCodes = 10
    static let wrongCodeWindow: TimeInterval = 900

    private static func wrongCodeKey(_ userID: String) -> String { "factor-fail:\(userID)" }

    /// Verifies a code for a pending challenge. On success the session gains an authentication event (bound to
    /// the challenge's transaction) and the challenge becomes a single-use grant.
    ///
    /// Throws ``Problem``s a client can act on: expired, not pending, factor not allowed or too weak for the level,
    /// wrong code (with attempts left), no attempts left.
    public func verify(challengeID: String, factor: FactorKind, code: String, session: Session, user: UserRecord,
                       client: ClientInfo) async throws -> Challenge {
        let at = now()
        var client = client
        client.deviceID = client.deviceID ?? session.deviceID
        guard var challenge = try await challenge(id: challengeID, for: session) else {
            throw Problem.notFound("challenge '\(challengeID.prefix(64))'")
        }
        guard challenge.status == .pending else {
            throw Problem(.conflict, type: "challenge-not-pending", title: "Challenge already finished",
                          detail: "this challenge is \(challenge.status.rawValue); ask for a new decision")
        }
        guard !challenge.isExpired(at: at) else {
            throw Problem(.gone, type: "challenge-expired", title: "Challenge expired",
                          detail: "this challenge expired; ask for a new decision to get a new one")
        }
        if let allowed = challenge.requirement.allowedFactors, !allowed.contains(factor) {
            throw Problem(.badRequest, type: "factor-not-allowed", title: "Factor not allowed here",
                          detail: "this step-up accepts " + allowed.sorted().map(\.rawValue).joined(separator: ", "))
        }
        let wrongCodes = try await stores.throttle.failureCount(key: Self.wrongCodeKey(user.id),
                                                                since: at.addingTimeInterval(-Self.wrongCodeWindow))
        if wrongCodes >= Self.maxWrongCodes {
            try await auditor.record("challenge.throttled", at: at, user: user.id, session: session.id, client: client,
                                     details: ["challenge": challenge.id, "wrong_codes": String(wrongCodes)])
            throw Problem(.tooManyRequests, type: "rate-limited", title: "Too many wrong codes",
                          detail: "too many wrong codes for this account; try again in 15 minutes",
                          extra: ["retry_after": String(Int(Self.wrongCodeWindow))],
                          headers: [.retryAfter: String(Int(Self.wrongCodeWindow))])
        }
        guard [.totp, .recoveryCode].contains(factor) else {
            throw Problem(.badRequest, type: "factor-not-supported", title: "Factor not supported",
                          detail: "verify with 'totp' or 'recovery_code'")
        }
        let policy = self.policy.current
        guard let level = policy.ladder[challenge.requirement.level] else {
            throw Problem.forbidden("the policy no longer knows level '\(challenge.requirement.level)'")
        }
        let event = AuthenticationEvent(id: Tokens.id(prefix: "evt"), factor: factor, at: at,
                                        deviceID: client.deviceID, bindingHash: challenge.bindingHash)
        var upgraded = session
        upgraded.events.append(event)
        upgraded.lastSeenAt = at
        let reaches = policy.ladder.levels(atLeast: level).contains {
            upgraded.satisfies($0, at: at, maxAge: nil, allowedFactors: nil)
        }
        guard reaches else {
            throw Problem(.badRequest, type: "factor-insufficient", title: "This factor is not strong enough",
                          detail: "a \(factor.rawValue) does not reach \(level.name) here; use a stronger factor")
        }
        let accepted: Bool
        switch factor {
        case .totp: accepted = try await verifyTOTP(user: user, code: code)
        default: accepted = try await verifyRecoveryCode(user: user, code: code)
        }
        guard accepted else {
            metrics.challenge("failed")
            try await stores.throttle.recordFailure(key: Self.wrongCodeKey(user.id), at: at)
            try await risk.recordFailure(userID: user.id, username: user.username, ip: client.ip, at: at)
            let updated = try await stores.challenges.recordFailedAttempt(challengeID: challenge.id)
            let left = updated?.attemptsLeft ?? 0
            try await auditor.record("challenge.failed", at: at, user: user.id, session: session.id, client: client,
                                     policyVersion: challenge.policyVersion,
                                     details: ["challenge": challenge.id, "factor": factor.rawValue,
                                               "attempts_left": String(left)])
            if updated?.status == .failed || left == 0 {
                throw Problem(.forbidden, type: "challenge-failed", title: "Too many wrong codes",
                              detail: "this challenge is closed after too many wrong codes; ask for a new decision",
                              extra: ["attempts_left": "0"])
            }
            throw Problem(.unauthorized, type: "invalid-code", title: "Wrong code",
                          detail: "the code is not valid (or was already used); \(left) attempts left",
                          extra: ["attempts_left": String(left)])
        }
        guard try await stores.challenges.markSatisfied(challengeID: challenge.id, at: at) else {
            throw Problem(.conflict, type: "challenge-not-pending", title: "Challenge already finished",
                          detail: "this challenge was completed or closed meanwhile")
        }
        metrics.challenge("verified")
        try await stores.sessions.appendEvent(sessionID: session.id, event)
        challenge.status = .satisfied
        challenge.satisfiedAt = at
        try await risk.recordStepUp(user: user, client: client, at: at)
        try await auditor.record("challenge.verified", at: at, user: user.id, session: session.id, client: client,
                                 policyVersion: challenge.policyVersion,
                                 details: ["challenge": challenge.id, "factor": factor.rawValue,
                                           "action": challenge.action, "level": challenge.requirement.level])
        return challenge
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
        guard let index = await crypto.matchRecoveryCode(code, hashes: unused.map(\.hash)) else { return false }
        return try await stores.recoveryCodes.consumeRecoveryCode(id: unused[index].id, at: now())
    }

    /// A TOTP or recovery code, whichever matches; used when sign-in needs a second factor inline.
    func verifyAnyCode(user: UserRecord, code: String) async throws -> FactorKind? {
        if try await verifyTOTP(user: user, code: code) { return .totp }
        if try await verifyRecoveryCode(user: user, code: code) { return .recoveryCode }
        return nil
    }
}
