import Foundation

/// One operator applied to one attribute value: `equals`, `not_equals`, `in`, `not_in`, `>`, `>=`, `<`, `<=`,
/// `prefix`, `regex`, `exists`.
enum AttributeTest: Sendable, CustomStringConvertible {
    case equals(AttributeValue)
    case notEquals(AttributeValue)
    case isIn([AttributeValue])
    case notIn([AttributeValue])
    case greater(ExactNumber)
    case greaterOrEqual(ExactNumber)
    case less(ExactNumber)
    case lessOrEqual(ExactNumber)
    case prefix(String)
    case regex(PolicyRegex)
    case exists(Bool)

    /// Operator spellings accepted in policy files (symbolic and word forms).
    static let operatorNames: Set<String> = [
        "equals", "==", "not_equals", "!=", "in", "not_in", ">", "gt", ">=", "gte", "<", "lt", "<=", "lte",
        "prefix", "regex", "exists",
    ]

    /// Whether `value` (nil when the attribute is absent) passes. Absent attributes fail every test but
    /// `not_equals`, `not_in` and `exists: false`, so a missing amount never satisfies `> 1000`.
    func matches(_ value: AttributeValue?) -> Bool {
        switch self {
        case .exists(let expected): return (value != nil && value != .null) == expected
        case .notEquals(let expected): return !(value.map { Self.equal($0, expected) } ?? false)
        case .notIn(let options): return !(value.map { v in options.contains { Self.equal(v, $0) } } ?? false)
        default: break
        }
        guard let value else { return false }
        switch self {
        case .equals(let expected): return Self.equal(value, expected)
        case .isIn(let options): return options.contains { Self.equal(value, $0) }
        // Exact decimal comparisons: 9007199254740993 > 9007199254740992 even though their Doubles are equal.
        case .greater(let bound): return value.exactNumber.map { $0 > bound } ?? false
        case .greaterOrEqual(let bound): return value.exactNumber.map { $0 >= bound } ?? false
        case .less(let bound): return value.exactNumber.map { $0 < bound } ?? false
        case .lessOrEqual(let bound): return value.exactNumber.map { $0 <= bound } ?? false
        case .prefix(let prefix):
            if case .string(let text) = value { return text.hasPrefix(prefix) }
            return value.description.hasPrefix(prefix)
        case .regex(let regex):
            if case .string(let text) = value { return regex.matches(text) }
            return regex.matches(value.description)
        case .exists, .notEquals, .notIn: return false
        }
    }

    /// Equality that treats `1000` and `"1000"` alike, and a list value as "contains".
    static func equal(_ value: AttributeValue, _ expected: AttributeValue) -> Bool {
        if value == expected { return true }
        if case .list(let items) = value { return items.contains { equal($0, expected) } }
        switch (value, expected) {
        case (.number, _), (_, .number):
            if let lhs = value.exactNumber, let rhs = expected.exactNumber { return lhs == rhs }
        default: break
        }
        return false
    }

    var description: String {
        switch self {
        case .equals(let v): return "== \(v)"
        case .notEquals(let v): return "!= \(v)"
        case .isIn(let v): return "in \(AttributeValue.list(v))"
        case .notIn(let v): return "not in \(AttributeValue.list(v))"
        case .greater(let v): return "> \(v)"
        case .greaterOrEqual(let v): return ">= \(v)"
        case .less(let v): return "< \(v)"
        case .lessOrEqual(let v): return "<= \(v)"
        case .prefix(let p): return "has prefix \"\(p)\""
        case .regex(let r): return "matches /\(r.pattern)/"
        case .exists(let e): return e ? "exists" : "does not exist"
        }
    }
}

/// A regular expression compiled when the policy loads; matching is a search (anchor with `^…$`).
struct PolicyRegex: @unchecked Sendable {
    // NSRegularExpression is immutable and documented thread-safe once created.
    let pattern: String
    private let regex: NSRegularExpression

    init?(_ pattern: String) {
        guard pattern.utf8.count <= 1_000, let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.pattern = pattern
        self.regex = regex
    }

    /// Values longer than this never match: a policy regex must not become a denial-of-service lever.
    static let maxInput = 4_096

    func matches(_ text: String) -> Bool {
        guard text.utf8.count <= Self.maxInput else { return false }
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return regex.firstMatch(in: text, range: range) != nil
    }
}
