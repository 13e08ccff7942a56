import Foundation

/// StepUp's answer to an ``ActionRequest``.
public struct Decision: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case allow
        case deny
        case stepUp = "step_up"
    }

    public var outcome: Outcome
    /// Why, in words a user or operator can act on.
    public var reason: String
    /// Present for `step_up`: what the user must prove.
    public var requirement: Requirement?
    /// Ids of the policy rules that matched.
    public var rules: [String]
    public var policyVersion: String
    public var risk: RiskAssessment

    public init(
        outcome: Outcome,
        reason: String,
        requirement: Requirement? = nil,
        rules: [String] = [],
        policyVersion: String,
        risk: RiskAssessment = .none
    ) {
        self.outcome = outcome
        self.reason = reason
        self.requirement = requirement
        self.rules = rules
        self.policyVersion = policyVersion
        self.risk = risk
    }
}
