import Foundation
import Yams

extension PolicyParser {
    static let matchKeys: Set<String> = [
        "action", "method", "path", "subject", "resource", "context", "transaction", "network", "not_network",
        "risk", "time", "session", "path_params",
    ]
    static let subjectKeys: Set<String> = ["roles", "not_roles", "groups", "not_groups", "tenant", "attributes"]

    mutating func parseMatch(_ node: Node, ruleID: String) -> ([ActionGlob]?, [PolicyCondition])? {
        guard let entries = reader.mapping(node, "match", allowed: Self.matchKeys) else { return nil }
        var actions: [ActionGlob]?
        var conditions: [PolicyCondition] = []
        var valid = true
        for entry in entries where entry.key != "path_params" {
            let parsed: [PolicyCondition]?
            switch entry.key {
            case "action":
                actions = parseActions(entry.value)
                parsed = actions == nil ? nil : []
            case "method":
                parsed = reader.strings(entry.value, "method").map { [.methods(Set($0.map { $0.0.uppercased() }))] }
            case "path": parsed = parsePaths(entry.value)
            case "subject": parsed = parseSubject(entry.value)
            case "resource", "context", "transaction":
                let scope = AttributeScope(rawValue: entry.key) ?? .context
                parsed = parseAttributes(entry.value, scope: scope)
            case "network", "not_network": parsed = parseNetworkCondition(entry.value, negated: entry.key != "network")
            case "risk": parsed = parseRiskCondition(entry.value)
            case "time": parsed = parseTime(entry.value).map { [.time($0)] }
            default: parsed = parseSession(entry.value).map { [.session($0)] }
            }
            if let parsed { conditions += parsed } else { valid = false }
        }
        if let params = entries.first(where: { $0.key == "path_params" }) {
            if let parsed = parsePathParameters(params.value, conditions: conditions) {
                conditions += parsed
            } else {
                valid = false
            }
        }
        return valid ? (actions, conditions) : nil
    }

    /// `path_params: {id: {regex: '^[0-9]+$'}}`: each name must be a `{name}` segment of every `path` pattern.
    private mutating func parsePathParameters(_ node: Node, conditions: [PolicyCondition]) -> [PolicyCondition]? {
        let patterns = conditions.lazy.compactMap { condition -> [PathPattern]? in
            if case .paths(let patterns) = condition { return patterns }
            return nil
        }.first
        guard let patterns else {
            reader.error(node, "path_params needs a 'path' pattern with {name} segments in the same match")
            return nil
        }
        guard let parsed = parseAttributes(node, scope: .resource) else { return nil }
        var result: [PolicyCondition] = []
        for case .attribute(_, let name, let tests) in parsed {
            if let pattern = patterns.first(where: { !$0.parameterNames.contains(name) }) {
                reader.error(node, "path parameter '\(name)' is not a {\(name)} segment of '\(pattern.text)'")
                return nil
            }
            result.append(.pathParameter(patterns, name, tests))
        }
        return result
    }

    private mutating func parseActions(_ node: Node) -> [ActionGlob]? {
        guard let items = reader.strings(node, "action") else { return nil }
        var globs: [ActionGlob] = []
        for (text, itemNode) in items {
            let glob = ActionGlob(text)
            if text.isEmpty || glob.segments.contains(where: \.isEmpty) {
                reader.error(itemNode, "'\(text)' is not an action pattern (dotted names; * and ** as wildcards)")
                return nil
            }
            if glob.segments.contains(where: { $0.contains("**") && $0 != "**" }) {
                reader.error(itemNode, "in '\(text)', ** must be a whole segment (e.g. admin.**)")
                return nil
            }
            globs.append(glob)
        }
        return globs
    }

    private mutating func parsePaths(_ node: Node) -> [PolicyCondition]? {
        guard let items = reader.strings(node, "path") else { return nil }
        var patterns: [PathPattern] = []
        for (text, itemNode) in items {
            guard let pattern = PathPattern(text) else {
                reader.error(itemNode, "'\(text)' is not a path pattern: start with / and use ** only at the end")
                return nil
            }
            patterns.append(pattern)
        }
        return [.paths(patterns)]
    }

    private mutating func parseSubject(_ node: Node) -> [PolicyCondition]? {
        guard let entries = reader.mapping(node, "subject", allowed: Self.subjectKeys) else { return nil }
        var conditions: [PolicyCondition] = []
        for entry in entries {
            if entry.key == "attributes" {
                guard let parsed = parseAttributes(entry.value, scope: .subject) else { return nil }
                conditions += parsed
                continue
            }
            guard let names = reader.strings(entry.value, entry.key).map({ Set($0.map(\.0)) }) else { return nil }
            switch entry.key {
            case "roles": conditions.append(.roles(names, negated: false))
            case "not_roles": conditions.append(.roles(names, negated: true))
            case "groups": conditions.append(.groups(names, negated: false))
            case "not_groups": conditions.append(.groups(names, negated: true))
            default: conditions.append(.tenants(names))
            }
        }
        return conditions
    }
}
