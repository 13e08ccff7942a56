extension MMDBDecoder {
    /// Decodes the value at `offset`; returns it and the offset just after it (after the pointer, for pointers).
    func decode(at offset: Int) throws(GeoError) -> (value: MMDBValue, next: Int) {
        var budget = Self.maxValues
        return try decode(at: offset, depth: 0, budget: &budget)
    }

    /// Most values one decode may produce: pointers can make a small file describe an exponentially large
    /// record, so a hostile file must run out of budget rather than hang the server.
    static let maxValues = 1_000_000

    private func decode(at offset: Int, depth: Int, budget: inout Int)
        throws(GeoError) -> (value: MMDBValue, next: Int) {
        guard depth < Self.maxDepth else { throw .badDatabase("data nested too deeply (pointer loop?)") }
        budget -= 1
        guard budget >= 0 else { throw .badDatabase("record too large") }
        let header = try header(at: offset)
        if header.kind == .pointer {
            let (target, next) = try pointer(header)
            let (value, _) = try decode(at: target, depth: depth + 1, budget: &budget)
            return (value, next)
        }
        let start = header.payload
        let size = header.size
        switch header.kind {
        case .string:
            try need(start, size)
            return (.string(String(decoding: bytes[start..<(start + size)], as: UTF8.self)), start + size)
        case .bytes:
            try need(start, size)
            return (.bytes(Array(bytes[start..<(start + size)])), start + size)
        case .double:
            guard size == 8 else { throw .badDatabase("double of size \(size)") }
            let bits = UInt64(try unsigned(start, count: 8))
            return (.double(Double(bitPattern: bits)), start + 8)
        case .float:
            guard size == 4 else { throw .badDatabase("float of size \(size)") }
            let bits = UInt32(try unsigned(start, count: 4))
            return (.float(Float(bitPattern: bits)), start + 4)
        case .uint16, .uint32, .uint64:
            let limit = header.kind == .uint16 ? 2 : header.kind == .uint32 ? 4 : 8
            guard size <= limit else { throw .badDatabase("unsigned integer of size \(size)") }
            return (.unsigned(UInt64(try unsigned(start, count: size))), start + size)
        case .uint128:
            guard size <= 16 else { throw .badDatabase("uint128 of size \(size)") }
            return (.uint128(try unsigned(start, count: size)), start + size)
        case .int32:
            guard size <= 4 else { throw .badDatabase("int32 of size \(size)") }
            let raw = UInt32(try unsigned(start, count: size))
            // Shorter encodings are sign-extended from their top bit only when all four bytes are present.
            return (.int32(Int32(bitPattern: raw)), start + size)
        case .bool:
            guard size <= 1 else { throw .badDatabase("boolean of size \(size)") }
            return (.bool(size == 1), start)
        case .map:
            var result: [String: MMDBValue] = [:]
            var cursor = start
            for _ in 0..<size {
                let (key, afterKey) = try decode(at: cursor, depth: depth + 1, budget: &budget)
                guard case .string(let name) = key else { throw .badDatabase("map key is not a string") }
                let (value, afterValue) = try decode(at: afterKey, depth: depth + 1, budget: &budget)
                result[name] = value
                cursor = afterValue
            }
            return (.map(result), cursor)
        case .array:
            var result: [MMDBValue] = []
            var cursor = start
            for _ in 0..<size {
                let (value, next) = try decode(at: cursor, depth: depth + 1, budget: &budget)
                result.append(value)
                cursor = next
            }
            return (.array(result), cursor)
        case .container, .endMarker, .extended, .pointer:
            throw .badDatabase("unexpected \(header.kind) at offset \(offset)")
        }
    }

    /// Throws unless `count` bytes from `start` lie inside the section.
    func need(_ start: Int, _ count: Int) throws(GeoError) {
        guard start >= 0, count >= 0, start <= end - count else {
            throw .badDatabase("value runs past the end of the data section")
        }
    }
}
