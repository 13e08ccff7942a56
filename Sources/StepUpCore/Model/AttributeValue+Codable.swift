import Foundation

extension AttributeValue {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let approximate = try? container.decode(Double.self) {
            self = .number(try Self.exactNumber(container, approximate: approximate))
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([AttributeValue].self) {
            self = .list(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "attribute values are strings, numbers, booleans, lists of these, or null"
            )
        }
    }

    /// The exact value of a number the decoder also reads as `approximate`.
    ///
    /// `JSONDecoder` reads a `Decimal` from the number's own digits (38 significant digits at most; it truncates
    /// beyond that, so 38 or more are refused). Text-based decoders such as YAML's hand over the number's text.
    /// Numbers none of these can read (`1e-200` is beyond `Decimal`) are refused: a `Double` may have rounded them.
    /// The `Decimal` is tried first because some decoders read `9007199254740993.0` as an `Int64` via a `Double`.
    ///
    /// Known gap: `JSONDecoder` truncates a mantissa beyond 38 digits before we see it, and when the rest is
    /// zeros (`1.0000000000000000000000000000000000000001` → `1`) nothing is left to detect.
    private static func exactNumber(
        _ container: any SingleValueDecodingContainer, approximate: Double
    ) throws -> ExactNumber {
        func refuse(_ why: String) -> DecodingError {
            DecodingError.dataCorruptedError(in: container, debugDescription: why)
        }
        guard approximate.isFinite else { throw refuse("numbers must be finite") }
        if let decimal = try? container.decode(Decimal.self) {
            guard let exact = ExactNumber(parsing: decimal.description), exact.digits.count < 38,
                  exact.double == approximate
            else { throw refuse("the number has too many digits to keep exactly (at most 37 significant digits)") }
            return exact
        }
        if let integer = try? container.decode(Int64.self) { return ExactNumber(integer) }
        if let integer = try? container.decode(UInt64.self) { return ExactNumber(integer) }
        if let text = try? container.decode(String.self) {
            guard let exact = ExactNumber(parsing: text), exact.double == approximate
            else { throw refuse("the number '\(text.prefix(40))' cannot be kept exactly") }
            return exact
        }
        // Only a Double is left, and it may have rounded the source: refuse rather than guess.
        throw refuse("the number cannot be kept exactly (at most 37 significant digits, exponents within ±128)")
    }

    /// Whole numbers that fit 64 bits encode as integers (exact); others as their nearest `Double`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value):
            if value.isInteger, let integer = Int64(value.description) {
                try container.encode(integer)
            } else {
                try container.encode(value.double)
            }
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
