import Foundation
import Yams

extension PolicyParser {
    static let requireKeys: Set<String> = ["level", "max_age", "factors", "bind", "message"]

    mutating func parseRequirement(_ node: Node, ruleID: String) -> RuleEffect? {
        if let text = node.scalar?.string {
            guard let level = level(named: text, at: node) else { return nil }
            let requirement = satisfiable(Requirement(level: text), at: node, ruleID: ruleID)
            return requirement.map { .require($0, rank: level.rank) }
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
                if let seconds = duration(entry.value, "max_age") {
                    requirement.maxAge = seconds
                } else {
                    valid = false
                }
            case "factors":
                if let kinds = factorKinds(entry.value, "factors") {
                    requirement.allowedFactors = Set(kinds)
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
        guard valid else { return nil }
        let at = entries.first { $0.key == "factors" }?.value ?? levelEntry.value
        return satisfiable(requirement, at: at, ruleID: ruleID).map { .require($0, rank: level.rank) }
    }

    /// A step-up nobody can finish would loop the user forever: refuse the policy instead.
    private mutating func satisfiable(_ requirement: Requirement, at node: Node, ruleID: String) -> Requirement? {
        guard !requirement.isSatisfiable(in: ladder) else { return requirement }
        let using = requirement.allowedFactors.map { " with only " + $0.sorted().map(\.rawValue)
            .joined(separator: ", ") } ?? ""
        reader.error(node, "rule '\(ruleID)' can never be satisfied: no step-up reaches \(requirement.level) or a "
            + "stronger level\(using); allow a factor that can (e.g. webauthn) or lower the level")
        return nil
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
