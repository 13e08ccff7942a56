import Foundation
import Synchronization

/// Turns what the policy requires into an answer for this session: allow, deny, or step up.
///
/// Pure: the caller loads the session and any presented grant, and computes the binding hash.
public struct DecisionEngine: Sendable {
    /// How long a satisfied single-use grant (max_age 0 or bound) stays usable.
    public var grantLifetime: TimeInterval

    public init(grantLifetime: TimeInterval = 300) {
        self.grantLifetime = grantLifetime
    }

    /// The decision, what the caller may do next, and the binding a new challenge must carry.
    public struct Result: Sendable, Hashable {
        public var decision: Decision
        public var verdict: Verdict
        /// Present when the requirement binds transaction fields.
        public var binding: TransactionBinding?
        public var bindingHash: String?
        /// How the server audits this decision: the policy's volume for a plain `allow`; always `.full` for
        /// `deny`, `step_up` and an allow that consumes a grant (the record of an approved transaction).
        public var auditVolume: AuditVolume = .full
    }

    /// A denial decided before any rule, e.g. from an administrator's verdict on the client's address.
    public static func denial(_ reason: String, rule: String, policyVersion: String, risk: RiskAssessment) -> Result {
        Result(decision: Decision(outcome: .deny, reason: reason, rules: [rule], policyVersion: policyVersion,
                                  risk: risk),
               verdict: .deny, binding: nil, bindingHash: nil)
    }

    /// What the caller may do next.
    public enum Verdict: Sendable, Hashable {
        case allow
        /// Allowed because of `grant`, which the caller must consume atomically before acting (single use).
        case allowWithGrant(String)
        case deny
        case stepUp
    }

    /// - Parameters:
    ///   - grant: a challenge the caller presented to complete this action.
    ///   - hash: hashes a ``TransactionBinding/canonical(action:)`` text (SHA-256 hex in the server).
    public func decide(
        policy: Policy,
        input: PolicyInput,
        grant: Challenge? = nil,
        hash: (String) -> String
    ) -> Result {
        let result = policy.evaluate(input)
        var binding: TransactionBinding?
        var bindingHash: String?
        if case .require(let requirement) = result.outcome, !requirement.bind.isEmpty {
            let bound = TransactionBinding(fields: requirement.bind, request: input.request)
            binding = bound
            bindingHash = hash(bound.canonical(action: input.request.action))
        }
        func answer(_ outcome: Decision.Outcome, _ verdict: Verdict, _ reason: String, _ requirement: Requirement? = nil)
            -> Result
        {
            let decision = Decision(
                outcome: outcome, reason: reason, requirement: requirement, rules: result.rules,
                policyVersion: policy.version, risk: input.risk
            )
            let audit = verdict == .allow ? result.auditVolume : .full
            return Result(decision: decision, verdict: verdict, binding: binding, bindingHash: bindingHash,
                          auditVolume: audit)
        }

        switch result.outcome {
        case .allow:
            return answer(.allow, .allow, result.rules.isEmpty ? "no rule requires more" : "allowed by policy")
        case .deny(let reason):
            return answer(.deny, .deny, reason)
        case .require(let requirement):
            guard let level = policy.ladder[requirement.level] else {
                return answer(.deny, .deny, "the policy requires unknown level '\(requirement.level)'")
            }
            // Every step-up is checked first: the loader rejects requirements nobody can meet, and one that slips
            // through must still never loop. (An allow needs no check: the session just met it.)
            func stepUp(_ reason: String) -> Result {
                guard Self.isSatisfiable(requirement, policy: policy) else {
                    return answer(.deny, .deny, Self.unsatisfiableReason(level: level, requirement: requirement))
                }
                return answer(.stepUp, .stepUp, reason, requirement)
            }
            guard let session = input.session, session.isActive(at: input.now) else {
                return stepUp("sign in first")
            }
            if requirement.needsGrant {
                if let grant, grantSatisfies(grant, requirement: requirement, level: level, policy: policy,
                                             input: input, session: session, bindingHash: bindingHash) {
                    return answer(.allow, .allowWithGrant(grant.id), "approved with a fresh step-up", requirement)
                }
                return stepUp(requirement.bind.isEmpty
                    ? "this action needs a fresh confirmation at \(level.name) every time"
                    : "this action needs a confirmation of exactly this transaction at \(level.name)")
            }
            let satisfied = policy.ladder.levels(atLeast: level).contains {
                session.satisfies($0, at: input.now, maxAge: requirement.maxAge,
                                  allowedFactors: requirement.allowedFactors)
            }
            if satisfied {
                return answer(.allow, .allow, "session is at \(level.name) or above", requirement)
            }
            return stepUp(Self.stepUpReason(level: level, requirement: requirement))
        }
    }

    /// ``Requirement/isSatisfiable(in:)`` remembered: a policy has few requirements, and the answer never changes
    /// for one ladder.
    static func isSatisfiable(_ requirement: Requirement, policy: Policy) -> Bool {
        let key = SatisfiableKey(ladder: policy.ladder, requirement: requirement)
        if let known = satisfiable.withLock({ $0[key] }) { return known }
        let answer = requirement.isSatisfiable(in: policy.ladder)
        satisfiable.withLock { known in
            if known.count >= 1_000 { known = [:] }
            known[key] = answer
        }
        return answer
    }

    private struct SatisfiableKey: Hashable {
        var ladder: LevelLadder
        var requirement: Requirement
    }

    private static let satisfiable = Mutex<[SatisfiableKey: Bool]>([:])

    /// A grant passes only on what its ceremony proved (``GrantProof``), never on what its challenge asked for.
    private func grantSatisfies(
        _ grant: Challenge, requirement: Requirement, level: Level, policy: Policy,
        input: PolicyInput, session: Session, bindingHash: String?
    ) -> Bool {
        guard grant.status == .satisfied, let proof = grant.proof,
              grant.userID == input.subject.id, grant.sessionID == session.id,
              grant.action == input.request.action,
              let proven = policy.ladder[proof.level], proven.rank >= level.rank
        else { return false }
        let age = input.now.timeIntervalSince(proof.at)
        guard age >= -60, age <= grantLifetime else { return false }
        // The password is the sign-in, not a step-up: at least one other factor must have been used.
        let stepUpFactors = proof.factors.filter { $0 != .password }
        guard !stepUpFactors.isEmpty else { return false }
        if let allowed = requirement.allowedFactors, !stepUpFactors.allSatisfy(allowed.contains) { return false }
        return requirement.bind.isEmpty || (bindingHash != nil && proof.bindingHash == bindingHash)
    }

    /// Says what the ceremony needs: a rule's `max_age` and `factors` restrict the step-up factor, not the sign-in.
    static func stepUpReason(level: Level, requirement: Requirement) -> String {
        var text = "this action needs \(level.name)"
        guard requirement.maxAge != nil || requirement.allowedFactors != nil else { return text }
        text += ", with a step-up"
        if let factors = requirement.allowedFactors { text += " using " + Self.factorList(factors, "or") }
        if let maxAge = requirement.maxAge { text += " within the last \(Self.duration(maxAge))" }
        return text
    }

    static func unsatisfiableReason(level: Level, requirement: Requirement) -> String {
        var text = "this action cannot be approved: no step-up can reach \(level.name)"
        if let factors = requirement.allowedFactors {
            text += factors.isEmpty ? " when no factor is allowed" : " with only " + Self.factorList(factors, "and")
        }
        return text + "; ask an administrator to fix the policy"
    }

    static func factorList(_ factors: Set<FactorKind>, _ conjunction: String) -> String {
        factors.sorted().map(\.rawValue).joined(separator: " \(conjunction) ")
    }

    /// "5 min", "2 h", "30 s".
    public static func duration(_ seconds: TimeInterval) -> String {
        if seconds >= 3_600, seconds.truncatingRemainder(dividingBy: 3_600) == 0 { return "\(Int(seconds / 3_600)) h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60)) min" }
        return "\(Int(seconds)) s"
    }
}
