import Foundation
import StepUpCore
import Synchronization

/// A step-up the user must complete: the challenge and what to show them.
public struct StepUpOutcome: Sendable {
    public var challenge: Challenge
    /// The policy's message with bound values filled in ("Approve transfer of 1500 EUR to ACME Ltd").
    public var message: String?
    /// Factors the user has enrolled that can complete the challenge (one of them).
    public var availableFactors: [FactorKind]
    /// The session's password is too old for the level: the ceremony asks for it too.
    public var needsPassword: Bool
    /// The `acr` of the required level (for RFC 9470 `acr_values`).
    public var acr: String?
    /// The step-up page at the public URL, for apps that send the user there.
    public var pageURL: String
}

/// The answer to a decision request.
public struct DecisionOutcome: Sendable {
    /// Names the decision's audit event (`details.decision_id`), so an operator can find why.
    public var decisionID: String
    public var decision: Decision
    public var stepUp: StepUpOutcome?
    /// Every rule considered and why it matched or not; only when an administrator asks.
    public var explanation: PolicyExplanation?
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

extension StepUpService {
    /// Decides whether `user` may do `request` now; creates a challenge on `step_up`, consumes a presented grant
    /// on `allow` (single use), and audits the decision with its rules and risk signals.
    ///
    /// The request's context is the resolved client — address, GeoIP country and location, the session's
    /// *proven* device — so risk and policy read the same values; callers cannot override any of them.
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
        var client = try await risk.resolve(client)
        client.deviceID = session.deviceID
        var request = request
        try validate(request)
        let transaction = request.context.transaction
        let attributes = request.context.attributes
        request.context = risk.context(client, at: at)
        request.context.transaction = transaction
        request.context.attributes = attributes
        let current = policy.current
        let assessment = try await risk.assess(user: user, session: session, client: client, at: at)
        let input = PolicyInput(request: request, subject: subject(for: user), session: session,
                                risk: assessment, now: at)
        var result: DecisionEngine.Result
        if client.isBlocked {
            // An administrator's verdict on the address is an input: nothing is allowed from a blocked range.
            result = DecisionEngine.denial("requests from this network address are blocked", rule: "address-blocked",
                             policyVersion: current.version, risk: assessment)
        } else {
            var grant: Challenge?
            if let grantID, !grantID.isEmpty, grantID.count <= 128 {
                grant = try await stores.challenges.challenge(id: grantID)
            }
            result = engine.decide(policy: current, input: input, grant: grant, hash: Self.sha256Hex)
            if case .allowWithGrant(let id) = result.verdict {
                // Single use: only the request that flips satisfied → consumed may proceed.
                if try await !stores.challenges.consumeGrant(challengeID: id, at: at) {
                    result = engine.decide(policy: current, input: input, grant: nil, hash: Self.sha256Hex)
                }
            }
        }
        // The decision's writes — its challenge, its audit event — are one unit of work, group-committed.
        var unit = UnitOfWork()
        var challenge: Challenge?
        if result.decision.outcome == .stepUp, let requirement = result.decision.requirement {
            challenge = makeChallenge(session: session, user: user, action: request.action, requirement: requirement,
                                      result: result, at: at)
            unit.challenges = challenge.map { [$0] } ?? []
        }
        let decisionID = Tokens.sequential(prefix: "dec")
        var details = result.decision.auditDetails
        details["decision_id"] = decisionID
        details["action"] = request.action
        if let country = client.country { details["country"] = country }
        // Forward auth and the gateway: which HTTP request the route turned into this action.
        if let method = request.method { details["method"] = method }
        if let path = request.path { details["path"] = String(path.prefix(512)) }
        if let challenge { details["challenge"] = challenge.id }
        if let grantID { details["grant"] = String(grantID.prefix(128)) }
        let type = auditType ?? "decision.\(result.decision.outcome.rawValue)"
        let event = auditor.draft(type, at: at, user: user.id, session: session.id, client: client,
                                  policyVersion: current.version, details: details)
        let rules = result.decision.rules.joined(separator: ",")
        let inFull = writesInFull(result.auditVolume, rules: rules)
        if inFull {
            unit.auditEvents = [event]
        } else {
            unit.auditTallies = [AuditTally(at: at, type: type, rule: rules)]
        }
        // Counted decisions wait for their tally's commit too: counts survive a crash like events do.
        try await stores.units.commit(unit)
        if inFull {
            auditor.logged(event)
        } else {
            metrics.auditCounted(outcome: result.decision.outcome.rawValue, rule: rules)
        }
        metrics.decision(result.decision.outcome)
        let stepUp = try await challenge.asyncMap { try await stepUpOutcome(for: $0, session: session) }
        return DecisionOutcome(decisionID: decisionID, decision: result.decision, stepUp: stepUp,
                               explanation: explain ? current.explain(input) : nil)
    }

    /// Whether this decision is written to the audit log row by row (audit volume; deny and step_up always are).
    private func writesInFull(_ volume: AuditVolume, rules: String) -> Bool {
        guard case .sampled = volume else { return volume.writesInFull(occurrence: 1) }
        let occurrence = auditSamples.withLock { counts in
            if counts[rules] == nil, counts.count >= 10_000 { counts = [:] }
            counts[rules, default: 0] &+= 1
            return counts[rules] ?? 1
        }
        return volume.writesInFull(occurrence: occurrence)
    }

    /// Refuses requests the policy could read two ways: an invalid action name, or a name set both as a
    /// transaction field and as an attribute (conditions and binding must read one value).
    func validate(_ request: ActionRequest) throws {
        do {
            try request.validate()
        } catch {
            throw StepUpError.invalidRequest(error.reason)
        }
    }

    private func makeChallenge(session: Session, user: UserRecord, action: String, requirement: Requirement,
                               result: DecisionEngine.Result, at: Date) -> Challenge {
        let display = result.binding?.values ?? [:]
        return Challenge(
            id: Tokens.timeOrderedID(prefix: "chl", at: at), userID: user.id, sessionID: session.id, action: action,
            requirement: requirement, bindingHash: result.bindingHash, display: display, createdAt: at,
            expiresAt: at.addingTimeInterval(configuration.challenges.lifetime),
            attemptsLeft: configuration.challenges.maxAttempts, policyVersion: result.decision.policyVersion
        )
    }

    /// The factor kinds `userID` can use now: active factors, and recovery codes while some are left.
    func enrolledKinds(userID: String) async throws -> Set<FactorKind> {
        let factors = try await stores.factors.factors(userID: userID).filter { $0.status == .active }
        var kinds = Set(factors.map(\.kind))
        if try await !stores.recoveryCodes.unusedRecoveryCodes(userID: userID).isEmpty {
            kinds.insert(.recoveryCode)
        }
        return kinds
    }

    /// What completing `challenge` takes for this session now: which of the user's factors, and whether the
    /// password must be entered again (it is missing or older than the level allows).
    ///
    /// A WebAuthn step-up is planned with what the user's strongest credential can prove: a user whose passkeys are
    /// all synced is not offered WebAuthn for a level that needs a hardware-bound factor.
    func plan(for challenge: Challenge, session: Session) async throws -> StepUpPlan? {
        let candidates = try await enrolledKinds(userID: challenge.userID)
            .intersection(Self.verifiableFactors)
            .filter { canOffer($0, for: challenge, session: session) }
        var traits: [FactorKind: FactorTraits] = [:]
        if candidates.contains(.webauthn) {
            let passkeys = try await passkeys(of: challenge.userID)
            traits[.webauthn] = (passkeys.first { !$0.synced } ?? passkeys.first)?.bestTraits
        }
        return session.stepUpPlan(for: challenge.requirement, ladder: policy.current.ladder, at: now(),
                                  candidates: candidates, traits: traits)
    }

    /// The factors StepUp can verify in a ceremony today.
    static let verifiableFactors: Set<FactorKind> = [.totp, .recoveryCode, .webauthn, .emailOTP, .smsOTP, .push]

    func stepUpOutcome(for challenge: Challenge, session: Session) async throws -> StepUpOutcome {
        let plan = try await plan(for: challenge, session: session)
        return StepUpOutcome(challenge: challenge,
                             message: challenge.requirement.renderedMessage(with: challenge.display),
                             availableFactors: (plan?.factors ?? []).sorted(),
                             needsPassword: plan?.needsPassword ?? false,
                             acr: policy.current.ladder[challenge.requirement.level]?.acr,
                             pageURL: configuration.http.publicURL.trimmingSuffix("/") + "/step-up/" + challenge.id)
    }
}
