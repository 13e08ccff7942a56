/// One CBOR data item (RFC 8949), as WebAuthn's attestation objects, COSE keys and extensions carry them.
///
/// Maps keep their pairs in the order they were read, so a value decoded and encoded again with
/// ``encoded()`` keeps its meaning; lookups are linear, which is right for the handful of keys WebAuthn uses.
public indirect enum CBOR: Sendable, Hashable {
    /// Major type 0: 0 … 2⁶⁴−1.
    case unsigned(UInt64)
    /// Major type 1: the value −1 − `n`, so `.negative(0)` is −1 and `.negative(6)` is −7 (ES256).
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([Pair])
    case tagged(UInt64, CBOR)
    case bool(Bool)
    case null
    case undefined
    /// Major type 7 simple values other than false, true, null and undefined (0…19 and 32…255).
    case simple(UInt8)
    /// Half, single and double precision all decode to a `Double`.
    case float(Double)

    /// One key and its value in a ``CBOR/map(_:)``.
    public struct Pair: Sendable, Hashable {
        public var key: CBOR
        public var value: CBOR
        public init(_ key: CBOR, _ value: CBOR) {
            self.key = key
            self.value = value
        }
    }

    /// An integer as a CBOR item (major type 0 or 1).
    public static func int(_ value: Int64) -> CBOR {
        value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-(value + 1)))
    }

    /// A map from pairs, in the order given (``encoded()`` sorts them canonically).
    public static func map(_ pairs: KeyValuePairs<CBOR, CBOR>) -> CBOR { .map(pairs.map { Pair($0.key, $0.value) }) }

    /// The integer value when it fits an `Int64`, else nil.
    public var intValue: Int64? {
        switch self {
        case .unsigned(let n): n <= UInt64(Int64.max) ? Int64(n) : nil
        case .negative(let n): n <= UInt64(Int64.max) ? -1 - Int64(n) : nil
        default: nil
        }
    }

    public var bytesValue: [UInt8]? { if case .bytes(let b) = self { b } else { nil } }
    public var textValue: String? { if case .text(let t) = self { t } else { nil } }
    public var arrayValue: [CBOR]? { if case .array(let a) = self { a } else { nil } }
    public var mapValue: [Pair]? { if case .map(let m) = self { m } else { nil } }

    /// The value under `key` when this is a map that has it.
    public subscript(key: CBOR) -> CBOR? { mapValue?.first { $0.key == key }?.value }
    /// The value under an integer key (COSE labels).
    public subscript(int key: Int64) -> CBOR? { self[.int(key)] }
    /// The value under a text key (attestation object fields).
    public subscript(text key: String) -> CBOR? { self[.text(key)] }
}

extension CBOR: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .text(value) }
}
