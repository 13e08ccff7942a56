extension CBOR {
    /// The CTAP2 canonical encoding: shortest heads, definite lengths, map keys sorted by their encoded bytes
    /// (shorter first, then bytewise), floats as doubles.
    ///
    /// The server and the tests build COSE keys and attestation objects with it; a decoded value encodes back to
    /// the authenticator's bytes whenever the authenticator was itself canonical.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    private func encode(into out: inout [UInt8]) {
        switch self {
        case .unsigned(let n): Self.head(0, n, into: &out)
        case .negative(let n): Self.head(1, n, into: &out)
        case .bytes(let b):
            Self.head(2, UInt64(b.count), into: &out)
            out += b
        case .text(let t):
            Self.head(3, UInt64(t.utf8.count), into: &out)
            out += t.utf8
        case .array(let items):
            Self.head(4, UInt64(items.count), into: &out)
            for item in items { item.encode(into: &out) }
        case .map(let pairs):
            Self.head(5, UInt64(pairs.count), into: &out)
            let sorted = pairs.map { (key: $0.key.encoded(), value: $0.value) }.sorted {
                $0.key.count != $1.key.count ? $0.key.count < $1.key.count : $0.key.lexicographicallyPrecedes($1.key)
            }
            for pair in sorted {
                out += pair.key
                pair.value.encode(into: &out)
            }
        case .tagged(let tag, let item):
            Self.head(6, tag, into: &out)
            item.encode(into: &out)
        case .bool(let b): out.append(b ? 0xF5 : 0xF4)
        case .null: out.append(0xF6)
        case .undefined: out.append(0xF7)
        case .simple(let v): if v < 24 { out.append(0xE0 | v) } else { out += [0xF8, v] }
        case .float(let d): Self.head(7, d.bitPattern, width: 8, into: &out)
        }
    }

    private static func head(_ major: UInt8, _ argument: UInt64, width: Int? = nil, into out: inout [UInt8]) {
        let width =
            width
            ?? (argument < 24 ? 0 : argument <= 0xFF ? 1 : argument <= 0xFFFF ? 2 : argument <= 0xFFFF_FFFF ? 4 : 8)
        let info: UInt8 =
            switch width {
            case 0: UInt8(argument)
            case 1: 24
            case 2: 25
            case 4: 26
            default: 27
            }
        out.append(major << 5 | info)
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift)))
        }
    }
}
