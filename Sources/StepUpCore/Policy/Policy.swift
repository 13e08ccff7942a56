import Foundation

// CONTRACT between the policy engine (Policy/) and its users (DecisionEngine, server, CLI).
// The policy engine may add to these types; it must keep these members.

/// A loaded, validated policy: the level ladder, the rules, risk settings.
public struct Policy: Sendable {
    /// Identifies this policy's content (e.g. first 12 hex of SHA-256 of the file); carried by every decision.
    public var version: String
    public var ladder: LevelLadder
    public var risk: RiskSettings

    /// Evaluates the rules for a request. Pure: no I/O, `now` comes from the caller.
    public func evaluate(_ input: PolicyInput) -> PolicyResult {
        fatalError("policy engine not built yet")
    }
}

/// Everything a rule may look at.
public struct PolicyInput: Sendable {
    public var request: ActionRequest
    public var subject: Subject
    /// The caller's session, if any (rules may match on factors already used).
    public var session: Session?
    public var risk: RiskAssessment
    public var now: Date

    public init(request: ActionRequest, subject: Subject, session: Session?, risk: RiskAssessment, now: Date) {
        self.request = request
        self.subject = subject
        self.session = session
        self.risk = risk
        self.now = now
    }
}

/// What the rules say, before the session is checked against a requirement.
public struct PolicyResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case allow
        /// A reason a user can read.
        case deny(String)
        /// The combined requirement of all matching rules.
        case require(Requirement)
    }

    public var outcome: Outcome
    /// Ids of the rules that matched, in file order.
    public var rules: [String]

    public init(outcome: Outcome, rules: [String]) {
        self.outcome = outcome
        self.rules = rules
    }
}
