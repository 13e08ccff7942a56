import Foundation
import Yams

extension PolicyParser {
    /// `name: value` (equals), `name: [a, b]` (in), or `name: {operator: operand, …}` (all must hold).
    mutating func parseAttributes(_ node: Node, scope: AttributeScope) -> [PolicyCondition]? {
        guard let entries = reader.mapping(node, scope.rawValue) else { return nil }
        var conditions: [PolicyCondition] = []
        for entry in entries {
            let tests: [AttributeTest]?
            switch entry.value {
            case .mapping: tests = parseTests(entry.value, attribute: entry.key)
            case .sequence(let items): tests = [.isIn(items.map(attributeValue))]
            default: tests = [.equals(attributeValue(entry.value))]
            }
            guard let tests else { return nil }
            conditions.append(.attribute(AttributeScope.resolve(scope, entry.key), entry.key, tests))
        }
        return conditions
    }

    private mutating func parseTests(_ node: Node, attribute: String) -> [AttributeTest]? {
        let what = "the operators of '\(attribute)'"
        guard let entries = reader.mapping(node, what, allowed: AttributeTest.operatorNames) else { return nil }
        var tests: [AttributeTest] = []
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "equals", "==": tests.append(.equals(attributeValue(value)))
            case "not_equals", "!=": tests.append(.notEquals(attributeValue(value)))
            case "in", "not_in":
                guard let items = reader.list(value, entry.key) else { return nil }
                let values = items.map(attributeValue)
                tests.append(entry.key == "in" ? .isIn(values) : .notIn(values))
            case ">", "gt", ">=", "gte", "<", "lt", "<=", "lte":
                guard let bound = reader.exactNumber(value, "'\(entry.key)' on '\(attribute)'") else { return nil }
                switch entry.key {
                case ">", "gt": tests.append(.greater(bound))
                case ">=", "gte": tests.append(.greaterOrEqual(bound))
                case "<", "lt": tests.append(.less(bound))
                default: tests.append(.lessOrEqual(bound))
                }
            case "prefix":
                guard let text = reader.string(value, "prefix") else { return nil }
                tests.append(.prefix(text))
            case "regex":
                guard let pattern = reader.string(value, "regex") else { return nil }
                guard let regex = PolicyRegex(pattern) else {
                    reader.error(value, "'\(pattern)' is not a valid regular expression (ICU syntax, ≤ 1000 bytes)")
                    return nil
                }
                tests.append(.regex(regex))
            default:
                guard let exists = reader.bool(value, "exists") else { return nil }
                tests.append(.exists(exists))
            }
        }
        if tests.isEmpty { reader.error(node, "'\(attribute)' has no operator") }
        return tests.isEmpty ? nil : tests
    }

    /// A YAML value as an attribute value: plain numbers (exact) and booleans keep their type, quoted text stays
    /// text.
    func attributeValue(_ node: Node) -> AttributeValue {
        var budget = 10_000
        return attributeValue(node, depth: 0, budget: &budget)
    }

    /// Lists nest at most 8 deep and hold at most `budget` values in all; the rest is dropped.
    private func attributeValue(_ node: Node, depth: Int, budget: inout Int) -> AttributeValue {
        budget -= 1
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let value = node.bool { return .bool(value) }
                // Where YAML sees a number, keep the scalar's own digits, so 9007199254740993 and 0.1 stay
                // exact (YAML 1.1 digit separators dropped); hexadecimal and octal integers are exact through
                // `Int`. A float too large for a Double (`1e400`, `.inf`) is not a number: it stays text.
                if node.int != nil || node.float != nil {
                    let digits = scalar.string.replacingOccurrences(of: "_", with: "")
                    if let value = ExactNumber(parsing: digits) { return .number(value) }
                    if let value = node.int { return .number(ExactNumber(value)) }
                }
            }
            return .string(scalar.string)
        case .sequence(let items):
            guard depth < 8 else { return .null }
            var values: [AttributeValue] = []
            for item in items where budget > 0 {
                values.append(attributeValue(item, depth: depth + 1, budget: &budget))
            }
            return .list(values)
        default:
            return .null
        }
    }

    /// Seconds from `300`, `"90s"`, `"5m"`, `"24h"`, `"30d"` or combinations like `"1h30m"`.
    mutating func duration(_ node: Node, _ what: String) -> TimeInterval? {
        guard let text = node.scalar?.string, let seconds = Self.seconds(text) else {
            reader.error(node, "\(what) must be a duration: seconds or a number with s, m, h or d (e.g. 5m, 24h)")
            return nil
        }
        return seconds
    }

    static func seconds(_ text: String) -> TimeInterval? {
        if let value = Int(text) { return (0...315_360_000).contains(value) ? TimeInterval(value) : nil }
        var total = 0.0
        var digits = ""
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let unit: Double
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3_600
            case "d": unit = 86_400
            default: return nil
            }
            guard !digits.isEmpty, digits.count <= 9, let value = Double(digits) else { return nil }
            total += value * unit
            digits = ""
        }
        guard digits.isEmpty, !text.isEmpty, total <= 315_360_000 else { return nil }
        return total
    }
}
