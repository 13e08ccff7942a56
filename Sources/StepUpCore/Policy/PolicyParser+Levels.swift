import Foundation
import Yams

extension PolicyParser {
    static let levelKeys: Set<String> = [
        "rank", "acr", "acr_aliases", "combinations", "max_age", "idle_timeout", "description",
    ]
    static let conditionKeys: Set<String> = ["factors", "phishing_resistant", "user_verified", "hardware_bound"]

    /// `levels:` maps names to rungs; without `rank`, file order is the order (weakest first).
    mutating func parseLevels(_ node: Node) -> LevelLadder {
        guard let entries = reader.mapping(node, "levels"), !entries.isEmpty else {
            reader.error(node, "levels must define at least one level")
            return .nistDefault
        }
        var levels: [Level] = []
        var ranks: [Int: String] = [:]
        var acrs: [String: String] = [:]
        for (position, entry) in entries.enumerated() {
            guard let level = parseLevel(entry.key, entry.value, defaultRank: position + 1) else { continue }
            if let other = ranks[level.rank] {
                reader.error(entry.value, "level '\(level.name)' has the same rank as '\(other)'; ranks must differ")
            }
            for acr in [level.acr] + level.acrAliases {
                if let other = acrs[acr], other != level.name {
                    reader.error(entry.value, "acr value '\(acr)' of '\(level.name)' is also used by '\(other)'")
                }
                acrs[acr] = level.name
            }
            ranks[level.rank] = level.name
            levels.append(level)
        }
        return LevelLadder(levels)
    }

    private mutating func parseLevel(_ name: String, _ node: Node, defaultRank: Int) -> Level? {
        guard let entries = reader.mapping(node, "level '\(name)'", allowed: Self.levelKeys) else { return nil }
        var level = Level(
            name: name, rank: defaultRank, acr: name, combinations: [], maxAge: 86_400, idleTimeout: 3_600)
        var valid = true
        for entry in entries {
            switch entry.key {
            case "rank":
                if let value = entry.value.int, (0...1_000_000).contains(value) {
                    level.rank = value
                } else {
                    reader.error(entry.value, "rank must be a whole number from 0 to 1000000")
                    valid = false
                }
            case "acr": level.acr = reader.string(entry.value, "acr") ?? name
            case "acr_aliases": level.acrAliases = reader.strings(entry.value, "acr_aliases")?.map(\.0) ?? []
            case "max_age":
                if let seconds = duration(entry.value, "max_age") { level.maxAge = seconds } else { valid = false }
            case "idle_timeout":
                if let seconds = duration(entry.value, "idle_timeout") {
                    level.idleTimeout = seconds
                } else {
                    valid = false
                }
            case "combinations":
                if let combinations = parseCombinations(entry.value) {
                    level.combinations = combinations
                    warnRestricted(level: name, combinations, at: entry.value)
                } else {
                    valid = false
                }
            default: _ = reader.string(entry.value, "description")
            }
        }
        if valid, level.combinations.isEmpty {
            reader.error(node, "level '\(name)' needs 'combinations': the factor sets that satisfy it")
            valid = false
        }
        return valid ? level : nil
    }

    /// A list of combinations; each is a list of conditions: a factor name, `any`, or a mapping with flags.
    private mutating func parseCombinations(_ node: Node) -> [[FactorCondition]]? {
        guard let items = reader.list(node, "combinations") else { return nil }
        var result: [[FactorCondition]] = []
        for item in items {
            guard let parts = reader.list(item, "a combination"), !parts.isEmpty else {
                reader.error(item, "a combination must list at least one factor condition")
                return nil
            }
            var combination: [FactorCondition] = []
            for part in parts {
                guard let condition = parseFactorCondition(part) else { return nil }
                combination.append(condition)
            }
            result.append(combination)
        }
        return result
    }

    private mutating func parseFactorCondition(_ node: Node) -> FactorCondition? {
        if let name = node.scalar?.string {
            if name == "any" { return FactorCondition() }
            return factorKinds(node, "a factor").map { FactorCondition(factors: Set($0)) }
        }
        guard let entries = reader.mapping(node, "a factor condition", allowed: Self.conditionKeys) else { return nil }
        var condition = FactorCondition()
        for entry in entries {
            if entry.key == "factors" {
                guard let kinds = factorKinds(entry.value, "factors") else { return nil }
                condition.factors = Set(kinds)
                continue
            }
            guard let value = reader.bool(entry.value, entry.key) else { return nil }
            switch entry.key {
            case "phishing_resistant": condition.phishingResistant = value
            case "user_verified": condition.userVerified = value
            default: condition.hardwareBound = value
            }
        }
        return condition
    }
}
