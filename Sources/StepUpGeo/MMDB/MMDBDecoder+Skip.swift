extension MMDBDecoder {
    /// The offset just after the value at `offset`, without building it: lets lookups pick a few fields out of
    /// large city records without allocating.
    func skip(at offset: Int, depth: Int = 0) throws(GeoError) -> Int {
        guard depth < Self.maxDepth else { throw .badDatabase("data nested too deeply") }
        let header = try header(at: offset)
        switch header.kind {
        case .pointer:
            return try pointer(header).next
        case .map:
            var cursor = header.payload
            for _ in 0..<header.size {
                cursor = try skip(at: cursor, depth: depth + 1)
                cursor = try skip(at: cursor, depth: depth + 1)
            }
            return cursor
        case .array:
            var cursor = header.payload
            for _ in 0..<header.size { cursor = try skip(at: cursor, depth: depth + 1) }
            return cursor
        case .bool:
            return header.payload
        default:
            try need(header.payload, header.size)
            return header.payload + header.size
        }
    }

    /// Follows a pointer (if any) to the value it names; pointers never point to pointers.
    func resolve(_ offset: Int) throws(GeoError) -> Header {
        let header = try header(at: offset)
        guard header.kind == .pointer else { return header }
        let resolved = try self.header(at: try pointer(header).target)
        guard resolved.kind != .pointer else { throw .badDatabase("pointer to a pointer") }
        return resolved
    }

    /// Whether the string at `offset` (possibly behind a pointer) equals `key`, compared as bytes.
    func stringEquals(at offset: Int, _ key: [UInt8]) throws(GeoError) -> Bool {
        let header = try resolve(offset)
        guard header.kind == .string, header.size == key.count else { return false }
        try need(header.payload, header.size)
        for index in 0..<key.count where bytes[header.payload + index] != key[index] { return false }
        return true
    }

    /// Calls `visit` with each key's bytes-matcher and the value offset of the map at `offset`.
    /// `visit` returns false to stop early.
    func forEachEntry(ofMapAt offset: Int,
                      _ visit: (_ keyOffset: Int, _ valueOffset: Int) throws(GeoError) -> Bool) throws(GeoError) {
        let header = try resolve(offset)
        guard header.kind == .map else { return }
        var cursor = header.payload
        for _ in 0..<header.size {
            let valueOffset = try skip(at: cursor)
            guard try visit(cursor, valueOffset) else { return }
            cursor = try skip(at: valueOffset)
        }
    }

    /// A numeric value as Double, or nil for other types.
    func number(at offset: Int) throws(GeoError) -> Double? {
        let header = try resolve(offset)
        switch header.kind {
        case .double, .float, .uint16, .uint32, .uint64, .int32, .uint128:
            return try decode(at: offset).value.doubleValue
        default:
            return nil
        }
    }

    /// A string value, or nil for other types.
    func string(at offset: Int) throws(GeoError) -> String? {
        let header = try resolve(offset)
        guard header.kind == .string else { return nil }
        try need(header.payload, header.size)
        return String(decoding: bytes[header.payload..<(header.payload + header.size)], as: UTF8.self)
    }
}
