/// A set of address blocks with O(log n) membership, built once and then read concurrently.
///
/// Blocks are merged into sorted, non-overlapping ranges so a lookup is one binary search.
public struct CIDRSet: Sendable, Hashable {
    /// Sorted, disjoint, non-adjacent ranges (first, last).
    private let lows: [UInt128]
    private let highs: [UInt128]

    public init(_ blocks: some Sequence<CIDR>) {
        self.init(ranges: blocks.map { ($0.network.value, $0.last.value) })
    }

    /// Parses each entry as a CIDR or bare address; throws naming the first entry that is neither.
    public init(parsing entries: some Sequence<String>) throws(GeoError) {
        var blocks: [CIDR] = []
        for entry in entries {
            guard let block = CIDR(entry) else { throw GeoError.badAddress(entry) }
            blocks.append(block)
        }
        self.init(blocks)
    }

    /// Ranges of first and last address (inclusive); ranges with first > last are dropped.
    init(ranges: [(UInt128, UInt128)]) {
        let sorted = ranges.filter { $0.0 <= $0.1 }.sorted { $0.0 < $1.0 }
        var lows: [UInt128] = []
        var highs: [UInt128] = []
        lows.reserveCapacity(sorted.count)
        highs.reserveCapacity(sorted.count)
        for (low, high) in sorted {
            if let last = highs.last, last == .max || low <= last + 1 {
                highs[highs.count - 1] = max(last, high)
            } else {
                lows.append(low)
                highs.append(high)
            }
        }
        self.lows = lows
        self.highs = highs
    }

    public static let empty = CIDRSet([])

    /// Number of disjoint ranges after merging.
    public var rangeCount: Int { lows.count }
    public var isEmpty: Bool { lows.isEmpty }

    public func contains(_ address: IPAddress) -> Bool {
        // Index of the last range starting at or below the address.
        var low = 0
        var high = lows.count
        while low < high {
            let mid = (low + high) >> 1
            if lows[mid] <= address.value { low = mid + 1 } else { high = mid }
        }
        return low > 0 && address.value <= highs[low - 1]
    }

    /// Parses the address first; unparseable text is in no set.
    public func contains(_ text: String) -> Bool {
        guard let address = IPAddress(text) else { return false }
        return contains(address)
    }

    public static func == (lhs: CIDRSet, rhs: CIDRSet) -> Bool { lhs.lows == rhs.lows && lhs.highs == rhs.highs }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(lows)
        hasher.combine(highs)
    }
}
