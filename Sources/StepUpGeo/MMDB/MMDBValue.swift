/// A value from a MaxMind DB data section (spec "Output Data Section" types).
public enum MMDBValue: Sendable, Hashable {
    case string(String)
    case double(Double)
    case float(Float)
    case bytes([UInt8])
    case unsigned(UInt64)
    case uint128(UInt128)
    case int32(Int32)
    case bool(Bool)
    case map([String: MMDBValue])
    case array([MMDBValue])

    /// Follows map keys and array indexes, e.g. `value["location", "latitude"]` or `value["subdivisions", 0]`.
    public subscript(path: any MMDBPathComponent...) -> MMDBValue? {
        var current: MMDBValue? = self
        for component in path {
            current = current.flatMap { component.select(in: $0) }
        }
        return current
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// Any numeric type as a Double (coordinates are doubles in GeoLite2, floats or ints in other writers).
    public var doubleValue: Double? {
        switch self {
        case .double(let value): return value
        case .float(let value): return Double(value)
        case .unsigned(let value): return Double(value)
        case .uint128(let value): return Double(value)
        case .int32(let value): return Double(value)
        default: return nil
        }
    }

    public var unsignedValue: UInt64? {
        switch self {
        case .unsigned(let value): return value
        case .int32(let value) where value >= 0: return UInt64(value)
        case .uint128(let value): return UInt64(exactly: value)
        default: return nil
        }
    }

    public var mapValue: [String: MMDBValue]? {
        if case .map(let value) = self { return value }
        return nil
    }

    public var arrayValue: [MMDBValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

/// A step in an ``MMDBValue`` path: a map key (`String`) or an array index (`Int`).
public protocol MMDBPathComponent: Sendable {
    func select(in value: MMDBValue) -> MMDBValue?
}

extension String: MMDBPathComponent {
    public func select(in value: MMDBValue) -> MMDBValue? { value.mapValue?[self] }
}

extension Int: MMDBPathComponent {
    public func select(in value: MMDBValue) -> MMDBValue? {
        guard let array = value.arrayValue, indices(array).contains(self) else { return nil }
        return array[self]
    }

    private func indices(_ array: [MMDBValue]) -> Range<Int> { array.startIndex..<array.endIndex }
}
