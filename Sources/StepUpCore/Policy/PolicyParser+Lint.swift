import Foundation

/// Warnings for rules that can never fire or never change a decision.
extension PolicyParser {
    mutating func lint(_ rules: [PolicyRule]) {
        for rule in rules {
            if let reason = Self.neverMatches(rule) {
                reader.report(.warning, line: rule.line, column: rule.column,
                              "rule '\(rule.id)' can never match: \(reason)")
            }
        }
        // Only rules that match a sample action of `rule` can cover it; the action index finds them, so this
        // stays near-linear in the number of rules.
        let index = RuleIndex(rules)
        let described = rules.map { Set($0.conditions.map(\.description)) }
        for (position, rule) in rules.enumerated() {
            var candidates: [Int] = []
            if let glob = rule.actions?.first {
                index.candidates(for: Self.sampleAction(glob), into: &candidates)
                candidates += index.generic
            } else {
                candidates = index.always
            }
            for other in candidates where other != position {
                if shadows(rules[other], described[other], other, rule, described[position], position) {
                    let message = "rule '\(rule.id)' never changes a decision: rule '\(rules[other].id)' "
                        + "(line \(rules[other].line)) matches whenever it does and is at least as strict"
                    reader.report(.warning, line: rule.line, column: rule.column, message)
                    break
                }
            }
        }
    }

    private func shadows(
        _ other: PolicyRule, _ otherConditions: Set<String>, _ otherPosition: Int,
        _ rule: PolicyRule, _ conditions: Set<String>, _ position: Int
    ) -> Bool {
        guard other.isScoped || !rule.isScoped, Self.dominates(other.effect, rule.effect),
              !auditOutweighs(rule, other), Self.covers(other, otherConditions, rule, conditions) else { return false }
        // Identical rules shadow each other: report only the later one.
        let mutual = Self.dominates(rule.effect, other.effect) && !auditOutweighs(other, rule)
            && Self.covers(rule, conditions, other, otherConditions)
        return !(mutual && otherPosition > position)
    }

    /// An action `glob` matches (`pay*.x.**` → `payx.x.x`): any rule covering the glob must match it.
    static func sampleAction(_ glob: ActionGlob) -> String {
        glob.segments.map { $0 == "**" ? "x" : $0.replacingOccurrences(of: "*", with: "x") }.joined(separator: ".")
    }

    /// Whether `other` matches every request `rule` matches (conservative: same conditions, wider actions).
    static func covers(_ other: PolicyRule, _ otherConditions: Set<String>, _ rule: PolicyRule,
                       _ conditions: Set<String>) -> Bool {
        guard otherConditions.isSubset(of: conditions) else { return false }
        if let otherActions = other.actions {
            guard let actions = rule.actions else { return false }
            guard actions.allSatisfy({ action in otherActions.contains { action.isCovered(by: $0) } }) else {
                return false
            }
        }
        return true
    }

    /// Whether combining `rule`'s effect after `other`'s can never change the result.
    static func dominates(_ other: RuleEffect, _ effect: RuleEffect) -> Bool {
        switch (other, effect) {
        case (.deny, _): return true
        case (_, .allow): return true
        case (.require(let strong, let strongRank), .require(let weak, let weakRank)):
            guard strongRank >= weakRank else { return false }
            if let age = weak.maxAge, (strong.maxAge ?? .infinity) > age { return false }
            let strongFactors = strong.allowedFactors ?? Set(FactorKind.known)
            if let factors = weak.allowedFactors, !strongFactors.isSubset(of: factors) {
                return false
            }
            guard Set(weak.bind).isSubset(of: Set(strong.bind)) else { return false }
            return weak.message == nil || weak.message == strong.message
        default: return false
        }
    }

    static func neverMatches(_ rule: PolicyRule) -> String? {
        if let actions = rule.actions, actions.isEmpty { return "its action list is empty" }
        for condition in rule.conditions {
            switch condition {
            case .methods(let set) where set.isEmpty: return "its method list is empty"
            case .paths(let list) where list.isEmpty: return "its path list is empty"
            case .roles(let set, false) where set.isEmpty: return "its roles list is empty"
            case .groups(let set, false) where set.isEmpty: return "its groups list is empty"
            case .tenants(let set) where set.isEmpty: return "its tenant list is empty"
            case .network(let list, _, false) where list.isEmpty: return "its network list is empty"
            case .riskSignals(let set) where set.isEmpty: return "its signals list is empty"
            case .time(let window) where window.outside && window.start == window.end && window.days.isEmpty:
                return "'outside' an all-day, every-day window is never"
            case .session(let session) where session.present == false && (session.needsEvent || session.level != nil):
                return "it asks for no session and for session events"
            case .attribute(let scope, let name, let tests):
                if let reason = contradiction(tests) { return "\(scope.label).\(name) \(reason)" }
            default: continue
            }
        }
        return nil
    }

    private static func contradiction(_ tests: [AttributeTest]) -> String? {
        var low = ExactNumber(-Double.infinity), high = ExactNumber(Double.infinity)
        var lowOpen = false, highOpen = false
        for test in tests {
            switch test {
            case .isIn(let values) where values.isEmpty: return "must be in an empty list"
            case .greater(let v) where v >= low: (low, lowOpen) = (v, true)
            case .greaterOrEqual(let v) where v > low: (low, lowOpen) = (v, false)
            case .less(let v) where v <= high: (high, highOpen) = (v, true)
            case .lessOrEqual(let v) where v < high: (high, highOpen) = (v, false)
            default: continue
            }
        }
        if low > high || (low == high && (lowOpen || highOpen)) { return "has no number in its range" }
        return nil
    }
}
