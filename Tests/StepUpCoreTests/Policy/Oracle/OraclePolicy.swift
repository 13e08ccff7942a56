import Foundation

// The oracle's own model of a small policy, written from the README ("Policy": levels, rules, "What max_age and
// factors mean", "How rules combine") and rendered to YAML for the engine. Nothing here reads the engine's types,
// so the two evaluations share only the README.

/// A factor condition of a level: a factor from `factors` (any when empty) with the flags asked for.
struct OracleCondition: Hashable {
    var factors: [String] = []
    var phishingResistant = false
    var hardwareBound = false

    var yaml: String {
        if !phishingResistant, !hardwareBound {
            if factors.isEmpty { return "any" }
            if factors.count == 1 { return factors[0] }
        }
        var parts: [String] = []
        if !factors.isEmpty { parts.append("factors: [\(factors.joined(separator: ", "))]") }
        if phishingResistant { parts.append("phishing_resistant: true") }
        if hardwareBound { parts.append("hardware_bound: true") }
        return "{\(parts.joined(separator: ", "))}"
    }
}

struct OracleLevel {
    var name: String
    /// Written to the file only when `explicitRank`; otherwise the file order (weakest first) is the rank.
    var rank: Int
    var combinations: [[OracleCondition]]
}

/// One condition on a context field (transaction or attribute; README "One value per name").
enum OracleTest: Hashable {
    case greater(Int), greaterOrEqual(Int), less(Int), lessOrEqual(Int)
    case equals(String), notEquals(String), isIn([String]), notIn([String])
    case exists(Bool)

    var yaml: String {
        switch self {
        case .greater(let n): return "\">\": \(n)"
        case .greaterOrEqual(let n): return "\">=\": \(n)"
        case .less(let n): return "\"<\": \(n)"
        case .lessOrEqual(let n): return "\"<=\": \(n)"
        case .equals(let s): return "equals: \"\(s)\""
        case .notEquals(let s): return "\"!=\": \"\(s)\""
        case .isIn(let s): return "in: [\(s.map { "\"\($0)\"" }.joined(separator: ", "))]"
        case .notIn(let s): return "not_in: [\(s.map { "\"\($0)\"" }.joined(separator: ", "))]"
        case .exists(let b): return "exists: \(b)"
        }
    }
}

struct OracleRequirement {
    var level: String
    /// Seconds, and how the file spells them (`90s`, `5m`, `0`, …).
    var maxAge: (seconds: Int, text: String)?
    var factors: [String]?
    var bind: [String] = []
    var message: String?
    /// `require: aal2` rather than a mapping.
    var scalar = false

    var yaml: String {
        if scalar { return "\"\(level)\"" }
        var parts = ["level: \"\(level)\""]
        if let maxAge { parts.append("max_age: \(maxAge.text)") }
        if let factors { parts.append("factors: [\(factors.joined(separator: ", "))]") }
        if !bind.isEmpty { parts.append("bind: [\(bind.joined(separator: ", "))]") }
        if let message { parts.append("message: \"\(message)\"") }
        return "{\(parts.joined(separator: ", "))}"
    }
}

enum OracleEffect {
    case allow
    /// `deny: reason`; nil is a bare `deny` (the default only), whose wording the README leaves open.
    case deny(String?)
    case require(OracleRequirement)
}

struct OracleRule {
    var id: String
    var actions: [String]?
    var methods: [String]?
    var role: (name: String, negated: Bool)?
    var context: [(name: String, tests: [OracleTest], shorthand: Bool)] = []
    var risk: String?
    var network: (names: [String], negated: Bool)?
    var effect: OracleEffect

    /// README: the default applies when no matching rule names the action, method or path.
    var namesWhatIsDone: Bool { actions != nil || methods != nil }
}

struct OraclePolicy {
    var levels: [OracleLevel]
    var explicitRanks: Bool
    /// nil: no `default` key (README: missing means deny).
    var defaultEffect: OracleEffect?
    var rules: [OracleRule]

    static let networks = ["office": ["10.0.0.0/8"], "lab": ["192.0.2.0/24"]]

    var yaml: String {
        var lines = ["version: 1", "levels:"]
        for level in levels {
            lines.append("  \(level.name):")
            if explicitRanks { lines.append("    rank: \(level.rank)") }
            let combinations = level.combinations.map { "[" + $0.map(\.yaml).joined(separator: ", ") + "]" }
            lines.append("    combinations: [\(combinations.joined(separator: ", "))]")
            lines.append("    max_age: 24h")
            lines.append("    idle_timeout: 1h")
        }
        lines.append("networks:")
        for (name, cidrs) in Self.networks.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(name): [\(cidrs.map { "\"\($0)\"" }.joined(separator: ", "))]")
        }
        if let defaultEffect {
            switch defaultEffect {
            case .allow: lines.append("default: allow")
            case .deny(nil): lines.append("default: deny")
            case .deny(let reason?): lines.append("default: {deny: \"\(reason)\"}")
            case .require(let requirement):
                let text = requirement.scalar ? requirement.yaml : "{require: \(requirement.yaml)}"
                lines.append("default: \(text)")
            }
        }
        lines.append(rules.isEmpty ? "rules: []" : "rules:")
        for rule in rules {
            lines.append("  - id: \(rule.id)")
            var match: [String] = []
            if let actions = rule.actions {
                let quoted = actions.map { "\"\($0)\"" }
                match.append("action: " + (quoted.count == 1 ? quoted[0] : "[\(quoted.joined(separator: ", "))]"))
            }
            if let methods = rule.methods { match.append("method: [\(methods.joined(separator: ", "))]") }
            if let role = rule.role {
                match.append("subject: {\(role.negated ? "not_roles" : "roles"): [\(role.name)]}")
            }
            if !rule.context.isEmpty {
                let fields = rule.context.map { field -> String in
                    if field.shorthand, field.tests.count == 1 {
                        switch field.tests[0] {
                        case .equals(let value): return "\(field.name): \"\(value)\""
                        case .isIn(let values):
                            return "\(field.name): [\(values.map { "\"\($0)\"" }.joined(separator: ", "))]"
                        default: break
                        }
                    }
                    return "\(field.name): {\(field.tests.map(\.yaml).joined(separator: ", "))}"
                }
                match.append("context: {\(fields.joined(separator: ", "))}")
            }
            if let risk = rule.risk { match.append("risk: \(risk)") }
            if let network = rule.network {
                let names = network.names.map { "\"\($0)\"" }.joined(separator: ", ")
                match.append("\(network.negated ? "not_network" : "network"): [\(names)]")
            }
            if !match.isEmpty { lines.append("    match: {\(match.joined(separator: ", "))}") }
            switch rule.effect {
            case .allow: lines.append("    allow: true")
            case .deny(let reason): lines.append("    deny: \"\(reason ?? "Refused.")\"")
            case .require(let requirement): lines.append("    require: \(requirement.yaml)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// One request as the oracle sees it.
struct OracleRequest {
    var action: String
    var method: String?
    var roles: [String]
    /// Context fields and whether each sits in the transaction (else among the other attributes).
    var fields: [String: (value: OracleValue, inTransaction: Bool)]
    var band: String
    var ip: String
}

enum OracleValue {
    case number(Int)
    case numericText(Int)
    case text(String)

    var number: Int? {
        switch self {
        case .number(let n), .numericText(let n): return n
        case .text: return nil
        }
    }

    var text: String? {
        if case .text(let s) = self { return s }
        return nil
    }
}
