extension MMDBReader {
    /// The absolute file offset of the data record for an address, or nil when the database has none.
    /// Identical records share an offset, which makes it a good cache key.
    public func recordOffset(for address: IPAddress) -> Int? {
        if let v4 = address.v4Value {
            return walk(from: ipv4Start, key: UInt128(v4) << 96, bits: 32)
        }
        guard metadata.ipVersion == 6 else { return nil }
        return walk(from: 0, key: address.value, bits: 128)
    }

    /// Follows `bits` bits of `key` (most significant first) down the tree.
    private func walk(from start: Int, key: UInt128, bits: Int) -> Int? {
        var node = start
        var remaining = key
        var depth = 0
        while depth < bits, node < nodeCount {
            let bit = Int(remaining >> 127)
            remaining <<= 1
            node = Self.record(bytes, node, bit, recordSize)
            depth += 1
        }
        guard node > nodeCount else { return nil }
        let offset = treeSize + node - nodeCount
        // A record pointing outside the data section is corruption; treat it as "no data".
        return offset < data.end ? offset : nil
    }

    /// The full decoded record for an address.
    public func record(for address: IPAddress) -> MMDBValue? {
        guard let offset = recordOffset(for: address) else { return nil }
        return try? data.decode(at: offset).value
    }

    /// The full decoded record for an address given as text; nil for unparseable text.
    public func record(for text: String) -> MMDBValue? {
        guard let address = IPAddress(text) else { return nil }
        return record(for: address)
    }
}
