/// Every rule considered for one request, whether it matched and why: the answer to "why was I stepped up?".
///
/// Codable so the decision API can return it to an admin as JSON.
public struct PolicyExplanation: Sendable, Hashable, Codable {
    public var policyVersion: String
    /// `allow`, `deny` or `step_up` (the policy's view, before the session is checked).
    public var outcome: String
    /// The deny reason, when denied.
    public var reason: String?
    public var requirement: Requirement?
    /// Ids of the rules that matched, in file order (`default` when the default applied).
    public var rules: [String]
    public var defaultApplied: Bool
    /// The policy default, in words.
    public var defaultEffect: String
    public var trace: [RuleTrace]
    /// How an allow is audited (`counted`, `sampled 100`) when not every one is written in full; absent for
    /// `full` and for denials, which are always written in full.
    public var auditVolume: String?
    /// The route that named the action (`policy explain --url`), or absent.
    public var route: RouteView?
    /// The action the request was decided as (the route's, with `--url`).
    public var action: String?

    /// Which `routes:` entry turned the method and URL into the action.
    public struct RouteView: Sendable, Hashable, Codable {
        public var line: Int
        public var summary: String
    }

    enum CodingKeys: String, CodingKey {
        case policyVersion = "policy_version"
        case outcome, reason, requirement, rules
        case defaultApplied = "default_applied"
        case defaultEffect = "default_effect"
        case trace
        case auditVolume = "audit_volume"
        case route, action
    }
}

/// One rule's verdict.
public struct RuleTrace: Sendable, Hashable, Codable {
    public var id: String
    public var line: Int
    public var matched: Bool
    /// What the rule does when it matches (`require aal2 max_age 300s`, `deny: reason`, `allow`).
    public var effect: String
    public var conditions: [ConditionTrace]
    /// The rule's own `audit:` (`full`, `sampled 100`, `counted`); absent when it has none.
    public var audit: String?
}

/// One condition of a rule, checked.
public struct ConditionTrace: Sendable, Hashable, Codable {
    public var condition: String
    public var matched: Bool
    /// What the request had (`action is bank.transfer`, `context.amount is 1500`).
    public var observed: String
}

extension Policy {
    /// Evaluates every rule (not only the indexed candidates) and records each condition's verdict.
    ///
    /// Slower than ``evaluate(_:)``, which gives the same outcome; use it for `policy explain` and admins.
    public func explain(_ input: PolicyInput) -> PolicyExplanation {
        var trace: [RuleTrace] = []
        var matched: [Int] = []
        for (index, rule) in rules.enumerated() {
            let conditions = rule.allConditions.map { condition in
                ConditionTrace(
                    condition: condition.description, matched: condition.matches(input),
                    observed: condition.observed(input))
            }
            let ok = conditions.allSatisfy(\.matched)
            if ok { matched.append(index) }
            trace.append(RuleTrace(
                id: rule.id, line: rule.line, matched: ok, effect: rule.effect.summary, conditions: conditions,
                audit: rule.audit?.description))
        }
        let result = Policy.refusal(input.request) ?? combine(matched)
        var explanation = PolicyExplanation(
            policyVersion: version, outcome: "allow", reason: nil, requirement: nil, rules: result.rules,
            defaultApplied: result.rules.last == Policy.defaultRuleID, defaultEffect: defaultEffect.summary,
            trace: trace)
        switch result.outcome {
        case .allow: break
        case .deny(let reason):
            explanation.outcome = "deny"
            explanation.reason = reason
        case .require(let requirement):
            explanation.outcome = "step_up"
            explanation.requirement = requirement
        }
        if explanation.outcome != "deny", result.auditVolume != .full {
            explanation.auditVolume = result.auditVolume.description
        }
        return explanation
    }
}
