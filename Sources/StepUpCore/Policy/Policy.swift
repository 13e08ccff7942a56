import Foundation

// CONTRACT between the policy engine (Policy/) and its users (DecisionEngine, server, CLI).
// The policy engine may add to these types; it must keep these members.

/// A loaded, validated policy: the level ladder, the rules, risk settings.
public struct Policy: Sendable {
    /// Identifies this policy's content (first 12 hex digits of FNV-1a 64 of the file); carried by every decision.
    public var version: String
    public var ladder: LevelLadder
    public var risk: RiskSettings
    /// The rules, in file order.
    public let rules: [PolicyRule]
    /// The name the file was loaded under (for messages).
    public internal(set) var file: String
    /// Warnings found when the policy was loaded (it has no errors, or it would not exist).
    public internal(set) var warnings: [PolicyDiagnostic]
    /// What applies when no rule naming the action (or method/path) matches.
    var defaultEffect: RuleEffect
    /// How an `allow` is audited when a matching rule says nothing (`audit: {allow: …}`); `deny` and `step_up`
    /// are always written in full.
    public internal(set) var allowAudit: AuditVolume
    /// `routes:`, in file order: which HTTP requests are which action (forward auth, the gateway).
    public internal(set) var routes: [PolicyRoute]
    var index: RuleIndex
    /// `rules` in the form evaluation reads.
    var compiled: [CompiledRule]

    init(
        version: String, file: String, ladder: LevelLadder, risk: RiskSettings, rules: [PolicyRule],
        defaultEffect: RuleEffect, allowAudit: AuditVolume = .full, warnings: [PolicyDiagnostic] = [],
        routes: [PolicyRoute] = []
    ) {
        self.version = version
        self.file = file
        self.ladder = ladder
        self.risk = risk
        self.rules = rules
        self.defaultEffect = defaultEffect
        self.allowAudit = allowAudit
        self.routes = routes
        self.warnings = warnings
        index = RuleIndex(rules)
        compiled = rules.map(CompiledRule.init)
    }

    /// Evaluates the rules for a request. Pure: no I/O, `now` comes from the caller.
    ///
    /// All matching rules apply: any deny wins; otherwise the strictest level, the smallest `max_age`,
    /// the intersection of allowed factors and the union of `bind` fields. When no rule naming the action
    /// matches, the policy's `default` applies too.
    public func evaluate(_ input: PolicyInput) -> PolicyResult {
        if let refusal = Self.refusal(input.request) {
            return PolicyResult(outcome: refusal.outcome, rules: [], policyVersion: version)
        }
        var matched: [Int] = []
        matched.reserveCapacity(8)
        index.candidates(for: input.request.action, into: &matched)
        var kept = 0
        for position in matched.indices where compiled[matched[position]].matchesIgnoringAction(input) {
            matched[kept] = matched[position]
            kept += 1
        }
        matched.removeLast(matched.count - kept)
        for candidate in index.generic {
            let rule = compiled[candidate]
            guard let globs = rule.actions, globs.contains(where: { $0.matches(input.request.action) }),
                  rule.matchesIgnoringAction(input) else { continue }
            matched.append(candidate)
        }
        if !index.generic.isEmpty { matched.sort() }
        return combine(matched)
    }
}

extension Policy {
    /// Names ``ActionName`` refuses (empty segments such as `a..b` would match globs unpredictably): fail closed.
    static let invalidAction = PolicyResult(
        outcome: .deny("'action' is not a valid action name (dotted segments such as payments.transfer)"), rules: [])

    /// The denial for a request no rule may see: an invalid action, or a shadowed field (a rule and the binding
    /// could read different values). The server refuses both earlier (``ActionRequest/validate()``); this keeps
    /// every other caller of the engine closed too.
    static func refusal(_ request: ActionRequest) -> PolicyResult? {
        guard ActionName.isValid(request.action) else { return invalidAction }
        // Most requests carry only one of the two, and then nothing can be shadowed.
        guard !request.context.transaction.isEmpty, !request.context.attributes.isEmpty else { return nil }
        let shadowed = request.shadowedNames()
        guard !shadowed.isEmpty else { return nil }
        return PolicyResult(outcome: .deny(ActionRequestError.shadowed(shadowed).reason), rules: [])
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
    /// Ids of the rules that matched, in file order (`default` last when the policy default applied).
    public var rules: [String]
    /// The version of the policy that produced this result, for the decision and its audit event.
    public var policyVersion: String
    /// How an `allow` that follows from this result is audited: the most verbose volume among the matching
    /// rules (each rule's own `audit:`, or the policy's default for allows). Ignored for deny and step-up.
    public var auditVolume: AuditVolume

    public init(outcome: Outcome, rules: [String], policyVersion: String = "", auditVolume: AuditVolume = .full) {
        self.outcome = outcome
        self.rules = rules
        self.policyVersion = policyVersion
        self.auditVolume = auditVolume
    }
}
