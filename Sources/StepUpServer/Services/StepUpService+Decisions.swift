import HTTPTypes
import Foundation
import StepUpCore

/// A step-up the user must complete: the challenge and what to show them.
public struct StepUpOutcome: Sendable {
    public var challenge: Challenge
    /// The policy's message with bound values filled in ("Approve transfer of 1500 EUR to ACME Ltd").
    public var message: String?
    /// Factors the user has enrolled that can satisfy the challenge.
    public var availableFactors: [FactorKind]
}

/// The answer to a decision request.
public struct DecisionOutcome: Sendable {
    public var decision: Decision
    public var stepUp: StepUpOutcome?
    /// Every rule considered and why it matched or not; only when an administrator asks.
    public var explanation: PolicyExplanation?
}

extension StepUpService {
    /// Decides whether `user` may do `request` now; creates a challenge on `step_up`, consumes a presented grant
    /// on `allow` (single use), and audits the decision with its rules and risk signals.
    public func decide(
        session: Session,
        user: UserRecord,
        request: ActionRequest,
        grantID: String?,
        client: ClientInfo,
        auditType: String? = nil,
        explain: Bool = false
    ) async throws -> DecisionOutcome {
        let at = now()
        // An API client names its device once, at sign-in; the session remembers it.
        var client = client
        client.deviceID = client.deviceID ?? session.deviceID
        var request = request
        request.context.ip = request.context.ip ?? client.ip
        request.context.userAgent = request.context.userAgent ?? client.userAgent
        request.context.deviceID = client.deviceID ?? request.context.deviceID
        request.context.country = client.country ?? request.context.country
        request.context.time = at
        let risk = try await self.risk.assess(user: user, session: session, client: client, at: at)
        let current = policy.current
        let input = PolicyInput(request: request, subject: subject(for: user), session: session,
                                risk: risk.assessment, now: at)
        var grant: Challenge?
        if let grantID, !grantID.isEmpty, grantID.count <= 128 {
            grant = try await stores.challenges.challenge(id: grantID)
        }
        var result = engine.decide(policy: current, input: input, grant: grant, hash: Self.sha256Hex)
        if risk.blocked {
            // An administrator blocked this address: nothing is allowed from it, whatever the policy says.
            result.decision = Decision(outcome: .deny, reason: "requests from this network address are blocked",
                                       rules: result.decision.rules, policyVersion: current.version,
                                       risk: risk.assessment)
            result.verdict = .deny
        } else if case .allowWithGrant(let id) = result.verdict {
            // Single use: only the request that flips satisfied → consumed may proceed.
            if try await !stores.challenges.consumeGrant(challengeID: id, at: at) {
                result = engine.decide(policy: current, input: input, grant: nil, hash: Self.sha256Hex)
            }
        }
        var stepUp: StepUpOutcome?
        if result.decision.outcome == .stepUp, let requirement = result.decision.requirement {
            stepUp = try await createChallenge(session: session, user: user, action: request.action,
                                               requirement: requirement, result: result, at: at)
        }
        metrics.decision(result.decision.outcome)
        var details = result.decision.auditDetails
        details["action"] = request.action
        if let stepUp { details["challenge"] = stepUp.challenge.id }
        if let grantID { details["grant"] = grantID }
        try await auditor.record(auditType ?? "decision.\(result.decision.outcome.rawValue)", at: at, user: user.id,
                                 session: session.id, client: client, policyVersion: current.version,
                                 details: details)
        return DecisionOutcome(decision: result.decision, stepUp: stepUp,
                               explanation: explain ? current.explain(input) : nil)
    }

    private func createChallenge(session: Session, user: UserRecord, action: String, requirement: Requirement,
                                 result: DecisionEngine.Result, at: Date) async throws -> StepUpOutcome {
        let display = result.binding?.values ?? [:]
        let challenge = Challenge(
            id: Tokens.id(prefix: "chl"), userID: user.id, sessionID: session.id, action: action,
            requirement: requirement, bindingHash: result.bindingHash, display: display, createdAt: at,
            expiresAt: at.addingTimeInterval(configuration.challenges.lifetime),
            attemptsLeft: configuration.challenges.maxAttempts, policyVersion: result.decision.policyVersion
        )
        try await stores.challenges.createChallenge(challenge)
        return try await stepUpOutcome(for: challenge)
    }

    func stepUpOutcome(for challenge: Challenge) async throws -> StepUpOutcome {
        let factors = try await stores.factors.factors(userID: challenge.userID).filter { $0.status == .active }
        var kinds = Set(factors.map(\.kind))
        if try await !stores.recoveryCodes.unusedRecoveryCodes(userID: challenge.userID).isEmpty {
            kinds.insert(.recoveryCode)
        }
        if let allowed = challenge.requirement.allowedFactors { kinds.formIntersection(allowed) }
        return StepUpOutcome(challenge: challenge,
                             message: challenge.requirement.renderedMessage(with: challenge.display),
                             availableFactors: kinds.sorted())
    }
}
