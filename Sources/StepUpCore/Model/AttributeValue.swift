import Foundation

/// A value of a resource, context, subject or transaction attribute.
///
/// Policies compare these with operators (equals, in, numeric comparisons, prefix, regex, exists),
/// so the type keeps numbers numeric and lists as lists. Numbers are ``ExactNumber``s: decoding keeps the exact
/// decimal value of `9007199254740993` or `0.1` (or refuses the input), because a bound transaction must never
/// be approved for one amount and executed for another that merely rounds the same.
public enum AttributeValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case number(ExactNumber)
    case bool(Bool)
    case list([AttributeValue])
    case null

    /// A number from a `Double` (its shortest round-trip decimal, so `.number(0.1)` is exactly 0.1).
    public static func number(_ value: Double) -> AttributeValue { .number(ExactNumber(value)) }

    /// The value as a string, for display, globbing and messages; numbers print in ``ExactNumber``'s canonical
    /// form (`1500`, not `1500.0`). Not for hashing: `"1500"` and `1500` print alike; use
    /// ``TransactionBinding/canonical(action:)``.
    public var description: String {
        switch self {
        case .string(let value): return value
        case .number(let value): return value.description
        case .bool(let value): return value ? "true" : "false"
        case .list(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .null: return "null"
        }
    }

    /// The exact numeric value, also for numeric strings such as `"1500.00"` (decimal text only: `"inf"`,
    /// `"NaN"` and `" 12"` are not numbers).
    public var exactNumber: ExactNumber? {
        switch self {
        case .number(let value): return value
        case .string(let value): return ExactNumber(parsing: value)
        default: return nil
        }
    }

    /// The numeric value as a `Double`, also for numeric strings; see ``exactNumber``.
    public var numberValue: Double? { exactNumber?.double }
}

/// Attributes by name.
public typealias Attributes = [String: AttributeValue]

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(ExactNumber(value)) }
    public init(floatLiteral value: Double) { self = .number(ExactNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
