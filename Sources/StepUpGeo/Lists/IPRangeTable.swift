/// Non-overlapping address ranges mapped to values (e.g. country codes), looked up by binary search.
///
/// IPv4 ranges are kept in their own 32-bit array: they are most lookups, and a 32-bit search over
/// hundreds of thousands of ranges stays in cache far better than a 128-bit one.
public struct IPRangeTable<Value: Sendable & Hashable>: Sendable {
    private var v4Lows: [UInt32] = []
    private var v4Highs: [UInt32] = []
    private var v4Values: [Int32] = []
    private var v6Lows: [UInt128] = []
    private var v6Highs: [UInt128] = []
    private var v6Values: [Int32] = []
    /// Distinct values; the arrays above hold indexes into this.
    private var palette: [Value] = []

    /// Builds the table. Ranges should not overlap (range lists never do); where they do, an address is matched
    /// against the range that starts closest below it.
    public init(_ entries: [(first: IPAddress, last: IPAddress, value: Value)]) {
        var indexOf: [Value: Int32] = [:]
        var v4: [(UInt32, UInt32, Int32)] = []
        var v6: [(UInt128, UInt128, Int32)] = []
        for entry in entries where entry.first <= entry.last {
            let index: Int32
            if let known = indexOf[entry.value] {
                index = known
            } else {
                index = Int32(palette.count)
                indexOf[entry.value] = index
                palette.append(entry.value)
            }
            if let first = entry.first.v4Value, let last = entry.last.v4Value {
                v4.append((first, last, index))
            } else {
                v6.append((entry.first.value, entry.last.value, index))
            }
        }
        v4.sort { $0.0 < $1.0 }
        v6.sort { $0.0 < $1.0 }
        v4Lows = v4.map(\.0)
        v4Highs = v4.map(\.1)
        v4Values = v4.map(\.2)
        v6Lows = v6.map(\.0)
        v6Highs = v6.map(\.1)
        v6Values = v6.map(\.2)
    }

    /// Number of ranges (IPv4 plus IPv6).
    public var count: Int { v4Lows.count + v6Lows.count }

    public func value(for address: IPAddress) -> Value? {
        if let v4 = address.v4Value {
            guard let slot = Self.search(v4Lows, v4Highs, v4) else { return nil }
            return palette[Int(v4Values[slot])]
        }
        guard let slot = Self.search(v6Lows, v6Highs, address.value) else { return nil }
        return palette[Int(v6Values[slot])]
    }

    public func value(for text: String) -> Value? {
        guard let address = IPAddress(text) else { return nil }
        return value(for: address)
    }

    @inline(__always)
    private static func search<Key: Comparable>(_ lows: [Key], _ highs: [Key], _ key: Key) -> Int? {
        var low = 0
        var high = lows.count
        while low < high {
            let mid = (low + high) >> 1
            if lows[mid] <= key { low = mid + 1 } else { high = mid }
        }
        guard low > 0, key <= highs[low - 1] else { return nil }
        return low - 1
    }
}
