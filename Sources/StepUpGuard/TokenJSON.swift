import Foundation

/// A JSON value carried in a verified token, such as a member of an RFC 9396 authorization detail
/// (`instructedAmount`, `creditorAccount`). Numbers are `Decimal`s read from their digits, so an amount compares
/// exactly.
public indirect enum TokenJSON: Sendable, Hashable, Codable {
    case string(String)
    case number(Decimal)
    case bool(Bool)
    case null
    case array([TokenJSON])
    case object([String: TokenJSON])

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: Key.self) {
            var members: [String: TokenJSON] = [:]
            for key in container.allKeys { members[key.stringValue] = try container.decode(TokenJSON.self, forKey: key) }
            self = .object(members)
        } else if var container = try? decoder.unkeyedContainer() {
            var items: [TokenJSON] = []
            while !container.isAtEnd { items.append(try container.decode(TokenJSON.self)) }
            self = .array(items)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? container.decode(Decimal.self) {
                self = .number(number)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for (name, value) in members { try container.encode(value, forKey: Key(stringValue: name)) }
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .number(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }

    /// The member `name` of an object, else nil: `detail["instructedAmount"]?["amount"]`.
    public subscript(name: String) -> TokenJSON? {
        if case .object(let members) = self { return members[name] }
        return nil
    }

    /// The text of a string value.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
