import Foundation
import Yams

extension PolicyParser {
    static let ruleKeys: Set<String> = ["id", "description", "match", "allow", "deny", "require"]
    static let effectKeys: Set<String> = ["allow", "deny", "require"]
    static let requireKeys: Set<String> = ["level", "max_age", "factors", "bind", "message"]

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
        guard let entries = reader.mapping(node, "a rule", allowed: Self.ruleKeys) else { return nil }
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
        guard let effect = parseEffect(entries, in: node, ruleID: id), valid else { return nil }
        return PolicyRule(
            id: id, description: description, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
            actions: actions, conditions: conditions, effect: effect)
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

    private mutating func parseRequirement(_ node: Node, ruleID: String) -> RuleEffect? {
        if let text = node.scalar?.string {
            guard let level = level(named: text, at: node) else { return nil }
            return .require(Requirement(level: text), rank: level.rank)
        }
        guard let entries = reader.mapping(node, "require", allowed: Self.requireKeys) else { return nil }
        guard let levelEntry = entries.first(where: { $0.key == "level" }) else {
            reader.error(node, "require needs a 'level' (one of \(levelNames))")
            return nil
        }
        guard let name = reader.string(levelEntry.value, "level"), let level = level(named: name, at: levelEntry.value)
        else { return nil }
        var requirement = Requirement(level: name)
        var valid = true
        for entry in entries {
            switch entry.key {
            case "max_age":
                if let seconds = duration(entry.value, "max_age") { requirement.maxAge = seconds } else { valid = false }
            case "factors":
                if let kinds = factorKinds(entry.value, "factors") {
                    requirement.allowedFactors = Set(kinds)
                    if !level.canBeSatisfied(using: Set(kinds)) {
                        reader.warning(entry.value, "\(name) cannot be reached with only these factors: "
                            + "rule '\(ruleID)' will deny every request it matches")
                    }
                } else {
                    valid = false
                }
            case "bind":
                requirement.bind = reader.strings(entry.value, "bind")?.map(\.0) ?? []
            case "message":
                requirement.message = reader.string(entry.value, "message")
                if let message = requirement.message {
                    let bind = entries.first { $0.key == "bind" }.map { Self.scalars($0.value) } ?? []
                    checkPlaceholders(message, bind: bind, at: entry.value, ruleID: ruleID)
                }
            default: break
            }
        }
        return valid ? .require(requirement, rank: level.rank) : nil
    }

    /// A `{{field}}` shown to the user but not bound could be changed after approval: warn about it.
    private mutating func checkPlaceholders(_ message: String, bind: [String], at node: Node, ruleID: String) {
        for field in PolicyMessage.placeholders(in: message) where !bind.contains(field) {
            reader.warning(node, "message shows {{\(field)}} but rule '\(ruleID)' does not bind it; "
                + "add it to 'bind' so the approved value cannot change")
        }
    }

    /// The scalar strings of a node or of a sequence's items, without reporting anything.
    static func scalars(_ node: Node) -> [String] {
        if let scalar = node.scalar { return [scalar.string] }
        return node.sequence.map { $0.compactMap(\.scalar?.string) } ?? []
    }

    mutating func level(named name: String, at node: Node) -> Level? {
        guard let level = ladder[name] else {
            reader.error(node, "unknown level '\(name)' (levels: \(levelNames))")
            return nil
        }
        return level
    }

    mutating func factorKinds(_ node: Node, _ what: String) -> [FactorKind]? {
        guard let items = reader.strings(node, what) else { return nil }
        var kinds: [FactorKind] = []
        for (name, itemNode) in items {
            let kind = FactorKind(name)
            guard FactorKind.known.contains(kind) else {
                let known = FactorKind.known.map(\.rawValue).joined(separator: ", ")
                reader.error(itemNode, "unknown factor '\(name)' (factors: \(known))")
                return nil
            }
            kinds.append(kind)
        }
        return kinds
    }
}
