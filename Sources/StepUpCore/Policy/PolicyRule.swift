/// One rule of a policy: conditions that must all hold, and what follows when they do.
public struct PolicyRule: Sendable {
    public var id: String
    public var description: String?
    /// Position of the rule in its file, for explanations and diagnostics.
    public var line: Int
    public var column: Int
    /// Action globs; `nil` means the rule does not look at the action.
    var actions: [ActionGlob]?
    /// Every other condition (method, path, attributes, subject, network, risk, time, session).
    var conditions: [PolicyCondition]
    var effect: RuleEffect
    /// How an `allow` this rule takes part in is audited; `nil` means the policy's `audit: {allow: …}`.
    public var audit: AuditVolume?
    /// Whether the rule names what is being done (action, method or path). When no such rule matches,
    /// the policy's `default` applies as well; rules on risk alone only tighten it.
    let isScoped: Bool

    init(
        id: String, description: String?, line: Int, column: Int, actions: [ActionGlob]?,
        conditions: [PolicyCondition], effect: RuleEffect, audit: AuditVolume? = nil
    ) {
        self.id = id
        self.description = description
        self.line = line
        self.column = column
        self.actions = actions
        self.conditions = conditions
        self.effect = effect
        self.audit = audit
        isScoped = actions != nil || conditions.contains {
            switch $0 {
            case .methods, .paths, .pathParameter: return true
            default: return false
            }
        }
    }

    /// All conditions, the action first, as the explanation lists them.
    var allConditions: [PolicyCondition] { (actions.map { [.actions($0)] } ?? []) + conditions }

    func matchesIgnoringAction(_ input: PolicyInput) -> Bool {
        for index in conditions.indices where !conditions[index].matches(input) { return false }
        return true
    }
}

/// What a matching rule (or the policy default) says.
enum RuleEffect: Sendable {
    case allow
    /// A reason a user can read.
    case deny(String)
    /// A step-up requirement; `rank` is the level's rank, cached so combining never looks the level up.
    case require(Requirement, rank: Int)

    var summary: String {
        switch self {
        case .allow: return "allow"
        case .deny(let reason): return "deny: \(reason)"
        case .require(let requirement, _):
            var text = "require \(requirement.level)"
            if let maxAge = requirement.maxAge { text += " max_age \(Int(maxAge))s" }
            if let factors = requirement.allowedFactors {
                text += " factors [\(factors.map(\.rawValue).sorted().joined(separator: ", "))]"
            }
            if !requirement.bind.isEmpty { text += " bind [\(requirement.bind.joined(separator: ", "))]" }
            return text
        }
    }
}
