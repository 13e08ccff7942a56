import Foundation
import Yams

extension PolicyParser {
    static let ruleKeys: Set<String> = ["id", "description", "match", "allow", "deny", "require", "audit"]
    static let effectKeys: Set<String> = ["allow", "deny", "require"]

    mutating func parseRules(_ node: Node) -> [PolicyRule] {
        guard let items = reader.list(node, "rules") else { return [] }
        var rules: [PolicyRule] = []
        var seen: [String: Int] = [:]
        for (position, item) in items.enumerated() {
            guard let rule = parseRule(item, position: position) else { continue }
            if let line = seen[rule.id] {
                reader.error(item, "rule id '\(rule.id)' is already used by the rule at line \(line)")
                continue
            }
            seen[rule.id] = rule.line
            rules.append(rule)
        }
        return rules
    }

    private mutating func parseRule(_ node: Node, position: Int) -> PolicyRule? {
        let misplaced = Self.matchKeys.union(Self.requireKeys).subtracting(Self.ruleKeys)
        guard var entries = reader.mapping(node, "a rule", allowed: Self.ruleKeys.union(misplaced)) else { return nil }
        // A common slip when writing rules by hand: say exactly where the key belongs.
        for entry in entries where misplaced.contains(entry.key) {
            let home = Self.matchKeys.contains(entry.key) ? "match" : "require"
            reader.error(entry.keyNode, "'\(entry.key)' belongs under '\(home):' (e.g. \(home): {\(entry.key): ...})")
        }
        entries.removeAll { misplaced.contains($0.key) }
        let find = { (key: String) in entries.first { $0.key == key } }
        var id = "rules[\(position)]"
        var valid = true
        if let idNode = find("id") {
            if let text = reader.string(idNode.value, "a rule id"), !text.isEmpty {
                id = text
                if text == Policy.defaultRuleID {
                    reader.error(idNode.value, "'default' is reserved for the policy default; rename this rule")
                }
            } else {
                valid = false
            }
        } else {
            reader.error(node, "this rule has no 'id'; decisions and audit events name rules by id")
        }
        var description: String?
        if let entry = find("description") { description = reader.string(entry.value, "description") }
        var actions: [ActionGlob]?
        var conditions: [PolicyCondition] = []
        if let match = find("match") {
            guard let parsed = parseMatch(match.value, ruleID: id) else { return nil }
            (actions, conditions) = parsed
        }
        let effect = parseEffect(entries, in: node, ruleID: id)
        var audit: AuditVolume?
        if let entry = find("audit") { audit = parseRuleAudit(entry.value, effect: effect, ruleID: id) }
        guard let effect, valid else { return nil }
        return PolicyRule(
            id: id, description: description, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
            actions: actions, conditions: conditions, effect: effect, audit: audit)
    }

    /// The effect of a `default:` given as a mapping (`{require: {...}}`, `{deny: reason}`).
    mutating func parseEffect(_ node: Node, owner: String, ruleID: String) -> RuleEffect? {
        guard let entries = reader.mapping(node, owner, allowed: Self.effectKeys) else { return nil }
        return parseEffect(entries, in: node, ruleID: ruleID)
    }

    private mutating func parseEffect(
        _ entries: [(key: String, keyNode: Node, value: Node)], in node: Node, ruleID: String
    ) -> RuleEffect? {
        let effects = entries.filter { Self.effectKeys.contains($0.key) }
        guard let effect = effects.first else {
            reader.error(node, "rule '\(ruleID)' needs one of allow, deny or require")
            return nil
        }
        if effects.count > 1 {
            reader.error(effects[1].keyNode, "rule '\(ruleID)' has both '\(effect.key)' and '\(effects[1].key)'; "
                + "use one rule per outcome")
            return nil
        }
        switch effect.key {
        case "allow":
            guard reader.bool(effect.value, "allow") == true else {
                reader.error(effect.value, "write 'allow: true', or remove the rule")
                return nil
            }
            return .allow
        case "deny":
            if effect.value.scalar != nil, effect.value.bool == true {
                return .deny("this action is not allowed (rule \(ruleID))")
            }
            guard let reason = reader.string(effect.value, "deny (a reason the user can read)") else { return nil }
            return .deny(reason)
        default:
            return parseRequirement(effect.value, ruleID: ruleID)
        }
    }
}
