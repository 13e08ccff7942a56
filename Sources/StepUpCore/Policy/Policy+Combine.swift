/// How the effects of all matching rules become one result.
extension Policy {
    func combine(_ matched: [Int]) -> PolicyResult {
        var combiner = EffectCombiner(ladder: ladder)
        var ids: [String] = []
        ids.reserveCapacity(matched.count + 1)
        var scoped = false
        // Every rule that takes part votes; the most verbose vote wins, so one rule wanting `full` keeps it full.
        var audit: AuditVolume?
        for index in matched {
            let rule = compiled[index]
            ids.append(rule.id)
            scoped = scoped || rule.isScoped
            combiner.add(rule.effect, from: rule.id)
            audit = (rule.audit ?? allowAudit).mostVerbose(audit ?? .counted)
        }
        if !scoped {
            ids.append(Policy.defaultRuleID)
            combiner.add(defaultEffect, from: Policy.defaultRuleID)
            audit = allowAudit.mostVerbose(audit ?? .counted)
        }
        return PolicyResult(
            outcome: combiner.outcome, rules: ids, policyVersion: version, auditVolume: audit ?? allowAudit)
    }

    /// The name decisions use for the policy's `default` (rule ids may not take it).
    public static let defaultRuleID = "default"
}

/// Folds rule effects: deny overrides; requirements combine to the strictest of each part.
struct EffectCombiner {
    let ladder: LevelLadder
    private var denial: String?
    private var required = false
    private var level = ""
    private var rank = Int.min
    private var maxAge: Double?
    private var factors: Set<FactorKind>?
    private var factorRules: [String] = []
    private var bind: [String] = []
    /// The message of the strictest requiring rule: highest rank, then smallest max_age, then file order.
    private var message: String?
    private var messageKey: (Int, Double) = (Int.min, .infinity)

    init(ladder: LevelLadder) { self.ladder = ladder }

    mutating func add(_ effect: RuleEffect, from id: String) {
        switch effect {
        case .allow: return
        case .deny(let reason):
            if denial == nil { denial = reason }
        case .require(let requirement, let levelRank):
            required = true
            if levelRank > rank {
                rank = levelRank
                level = requirement.level
            }
            if let age = requirement.maxAge { maxAge = min(maxAge ?? age, age) }
            if let allowed = requirement.allowedFactors {
                factors = factors.map { $0.intersection(allowed) } ?? allowed
                factorRules.append(id)
            }
            for field in requirement.bind where !bind.contains(field) { bind.append(field) }
            if let text = requirement.message {
                let key = (levelRank, requirement.maxAge ?? .infinity)
                if key.0 > messageKey.0 || (key.0 == messageKey.0 && key.1 < messageKey.1) {
                    message = text
                    messageKey = key
                }
            }
        }
    }

    var outcome: PolicyResult.Outcome {
        if let denial { return .deny(denial) }
        guard required else { return .allow }
        let requirement = Requirement(
            level: level, maxAge: maxAge, allowedFactors: factors, bind: bind, message: message)
        if let factors {
            // Levels were resolved when the policy loaded; an unknown one here still fails closed.
            guard let target = ladder[level], target.rank == rank else {
                return .deny("the policy requires the unknown level '\(level)', so access is refused")
            }
            let rules = factorRules.joined(separator: ", ")
            if factors.isEmpty {
                return .deny("rules \(rules) allow no factor in common, so no step-up can satisfy them")
            }
            // Each rule alone was checked at load time; their intersection may still be out of reach.
            if !requirement.isSatisfiable(in: ladder) {
                let names = factors.map(\.rawValue).sorted().joined(separator: ", ")
                return .deny("\(target.name) cannot be reached with only \(names) (allowed by \(rules))")
            }
        }
        return .require(requirement)
    }
}
