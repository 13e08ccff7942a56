import Foundation
import Yams

/// Turns policy YAML into a ``Policy``, collecting every error and warning with its position.
struct PolicyParser {
    var reader: NodeReader
    var ladder = LevelLadder.nistDefault
    var networks: [String: [CIDR]] = [:]
    var usedNetworks: Set<String> = []
    var networkNodes: [String: Node] = [:]
    /// The server's configured reputation list names; nil when unknown (see `PolicyParser+RiskLists.swift`).
    var reputationLists: Set<String>?
    /// The policy's volume for allows no matching rule sets one for (`audit: {allow: …}`).
    var allowAudit = AuditVolume.full

    static let topKeys: Set<String> = [
        "version", "levels", "networks", "default", "rules", "risk", "audit", "routes",
    ]
    /// Larger files are refused before parsing: a policy is hand-written, and this bounds the work.
    static let maxBytes = 4_000_000

    init(file: String, reputationLists: Set<String>? = nil) {
        reader = NodeReader(file: file)
        self.reputationLists = reputationLists
    }

    static func parse(yaml: String, file: String, reputationLists: Set<String>? = nil) -> (Policy?, PolicyDiagnostics) {
        var parser = PolicyParser(file: file, reputationLists: reputationLists)
        let policy = parser.run(yaml)
        let diagnostics = PolicyDiagnostics(parser.reader.diagnostics).sorted()
        guard !diagnostics.hasErrors, var policy else { return (nil, diagnostics) }
        policy.warnings = diagnostics.warnings
        return (policy, diagnostics)
    }

    private mutating func run(_ yaml: String) -> Policy? {
        guard yaml.utf8.count <= Self.maxBytes else {
            reader.report(.error, nil, "the policy file is larger than \(Self.maxBytes) bytes")
            return nil
        }
        let root: Node
        do {
            guard let node = try YAMLGuard.compose(yaml) else {
                reader.report(.error, nil, "the policy file is empty; it needs at least 'rules' and 'default'")
                return nil
            }
            root = node
        } catch {
            reportYAML(error)
            return nil
        }
        guard let entries = reader.mapping(root, "the policy file", allowed: Self.topKeys) else { return nil }
        let find = { (key: String) in entries.first { $0.key == key } }
        if let version = find("version") {
            if reader.number(version.value, "version") != 1 {
                reader.error(version.value, "this StepUp reads policy format version 1; set 'version: 1'")
            }
        }
        if let levels = find("levels") { ladder = parseLevels(levels.value) }
        if let networks = find("networks") { parseNetworks(networks.value) }
        var risk = RiskSettings.default
        if let node = find("risk") { risk = parseRisk(node.value) }
        var defaultEffect = RuleEffect.deny("no rule allows this action")
        if let node = find("default") {
            defaultEffect = parseDefault(node.value) ?? defaultEffect
        } else {
            reader.report(.warning, root.mark, "no 'default' is set: actions no rule names are denied")
        }
        if let node = find("audit") { allowAudit = parseAuditDefaults(node.value) }
        var rules: [PolicyRule] = []
        if let node = find("rules") { rules = parseRules(node.value) }
        for (name, node) in networkNodes where !usedNetworks.contains(name) {
            reader.warning(node, "network '\(name)' is defined but no rule uses it")
        }
        lint(rules)
        var routes: [PolicyRoute] = []
        if let node = find("routes") { routes = parseRoutes(node.value) }
        return Policy(
            version: PolicyHash.version(of: yaml), file: reader.file, ladder: ladder, risk: risk, rules: rules,
            defaultEffect: defaultEffect, allowAudit: allowAudit, routes: routes)
    }

    private mutating func reportYAML(_ error: any Error) {
        if let refused = error as? YAMLGuardError {
            reader.report(.error, line: refused.line, column: 1, refused.message)
            return
        }
        guard let yamlError = error as? YamlError else {
            reader.report(.error, nil, "the file is not valid YAML: \(error)")
            return
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " \($0.text)" } ?? ""
            reader.report(.error, mark, "invalid YAML: \(problem)\(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            reader.report(.error, context.mark, "duplicate key(s) \(duplicates.joined(separator: ", ")) in a mapping")
        default:
            reader.report(.error, nil, "the file is not valid YAML: \(yamlError)")
        }
    }

    private mutating func parseNetworks(_ node: Node) {
        guard let entries = reader.mapping(node, "networks") else { return }
        for entry in entries {
            guard let items = reader.strings(entry.value, "network '\(entry.key)'") else { continue }
            networkNodes[entry.key] = entry.keyNode
            networks[entry.key] = items.compactMap { text, itemNode in
                guard let cidr = CIDR(text) else {
                    reader.error(itemNode, "'\(text)' is not an IP address or CIDR network (e.g. 10.0.0.0/8)")
                    return nil
                }
                return cidr
            }
        }
    }

    private mutating func parseDefault(_ node: Node) -> RuleEffect? {
        if let text = node.scalar?.string {
            switch text {
            case "allow": return .allow
            case "deny": return .deny("no rule allows this action")
            default:
                guard let level = ladder[text] else {
                    reader.error(node, "default must be allow, deny or a level (\(levelNames)); '\(text)' is none")
                    return nil
                }
                return .require(Requirement(level: text), rank: level.rank)
            }
        }
        return parseEffect(node, owner: "default", ruleID: Policy.defaultRuleID)
    }

    var levelNames: String { ladder.levels.map(\.name).joined(separator: ", ") }
}
