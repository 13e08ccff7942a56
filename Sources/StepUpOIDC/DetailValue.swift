import Foundation
import StepUpCore

/// One JSON value inside an RFC 9396 authorization detail, kept exactly: numbers are ``ExactNumber``s, so the
/// amount a user approves is the amount the token carries and the binding hash covers (`0.1` stays `0.1`,
/// `9007199254740993` does not round).
public indirect enum DetailValue: Sendable, Hashable, Codable {
    /// A string, number, boolean or null (never a list: arrays are ``array``).
    case scalar(AttributeValue)
    case array([DetailValue])
    case object([String: DetailValue])

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: DetailValue] = [:]
            for key in container.allKeys {
                members[key.stringValue] = try container.decode(DetailValue.self, forKey: key)
            }
            self = .object(members)
        } else if var container = try? decoder.unkeyedContainer() {
            var items: [DetailValue] = []
            while !container.isAtEnd { items.append(try container.decode(DetailValue.self)) }
            self = .array(items)
        } else {
            self = .scalar(try AttributeValue(from: decoder))
        }
    }

    /// Whole numbers that fit 64 bits as integers, others as their exact decimal text (never through a `Double`).
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var container = encoder.container(keyedBy: AnyKey.self)
            for key in members.keys.sorted() {
                try container.encode(members[key], forKey: AnyKey(stringValue: key))
            }
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .scalar(.number(let number)):
            var container = encoder.singleValueContainer()
            if number.isInteger, let integer = Int64(number.description) {
                try container.encode(integer)
            } else if let decimal = Decimal(string: number.description, locale: Locale(identifier: "en_US_POSIX")) {
                try container.encode(decimal)
            } else {
                try container.encode(number.double)
            }
        case .scalar(let value):
            try value.encode(to: encoder)
        }
    }

    /// The RFC 8785 form the core's transaction binding hashes.
    public var canonical: CanonicalJSONText.Value {
        switch self {
        case .scalar(let value): .attribute(value)
        case .array(let items): .array(items.map(\.canonical))
        case .object(let members): .object(members.mapValues(\.canonical))
        }
    }

    /// Nesting depth: a scalar is 0.
    var depth: Int {
        switch self {
        case .scalar: 0
        case .array(let items): 1 + (items.map(\.depth).max() ?? 0)
        case .object(let members): 1 + (members.values.map(\.depth).max() ?? 0)
        }
    }

    /// No control characters and no invisible formatting (bidirectional overrides, zero-width characters) in any
    /// string or member name: what the step-up page shows must read as what the binding covers.
    var isDisplaySafe: Bool {
        func safe(_ text: String) -> Bool {
            text.unicodeScalars.allSatisfy {
                $0.properties.generalCategory != .control && $0.properties.generalCategory != .format
            }
        }
        switch self {
        case .scalar(.string(let text)): return safe(text)
        case .scalar: return true
        case .array(let items): return items.allSatisfy(\.isDisplaySafe)
        case .object(let members): return members.allSatisfy { safe($0.key) && $0.value.isDisplaySafe }
        }
    }

    /// Display text of a scalar; nil for arrays and objects.
    var text: String? {
        if case .scalar(let value) = self { return value.description }
        return nil
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
