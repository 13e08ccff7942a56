extension IPAddress {
    /// Strict dotted-quad: four decimal parts 0–255, no leading zeros (which some stacks read as octal).
    static func parseV4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var result: UInt32 = 0
        var parts = 0
        var part: UInt32 = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                result = result << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if digits > 0, part == 0 { return nil }
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard part <= 255, digits <= 3 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return result << 8 | part
    }

    /// RFC 4291 section 2.2 text forms: eight groups, `::` once, an optional trailing dotted quad.
    static func parseV6(_ bytes: ArraySlice<UInt8>) -> UInt128? {
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        var rest = bytes
        if rest.starts(with: [0x3a, 0x3a]) {
            sawGap = true
            rest = rest.dropFirst(2)
        } else if rest.first == 0x3a {
            return nil
        }
        while !rest.isEmpty {
            let end = rest.firstIndex(of: 0x3a) ?? rest.endIndex
            let field = rest[rest.startIndex..<end]
            if field.contains(UInt8(ascii: ".")) {
                // An embedded IPv4 address must be the last field.
                guard end == rest.endIndex, let v4 = parseV4(field) else { return nil }
                let groups = [UInt16(v4 >> 16), UInt16(truncatingIfNeeded: v4)]
                if sawGap { tail += groups } else { head += groups }
                rest = rest[end...]
                break
            }
            guard let group = parseGroup(field) else { return nil }
            if sawGap { tail.append(group) } else { head.append(group) }
            rest = rest[end...]
            if rest.starts(with: [0x3a, 0x3a]) {
                guard !sawGap else { return nil }
                sawGap = true
                rest = rest.dropFirst(2)
            } else if rest.first == 0x3a {
                rest = rest.dropFirst()
                guard !rest.isEmpty else { return nil }
            }
        }
        let count = head.count + tail.count
        if sawGap ? count > 7 : count != 8 { return nil }
        let groups = head + Array(repeating: 0, count: 8 - count) + tail
        return groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    private static func parseGroup(_ field: ArraySlice<UInt8>) -> UInt16? {
        guard !field.isEmpty, field.count <= 4 else { return nil }
        var value: UInt16 = 0
        for byte in field {
            guard let digit = hexDigit(byte) else { return nil }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// RFC 5952 canonical text: lower case, longest run of two or more zero groups as `::`.
    var v6Description: String {
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * UInt128($0))) }
        var bestStart = -1, bestLength = 1, runStart = -1
        for index in 0...8 {
            if index < 8, groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let left = hex[..<bestStart].joined(separator: ":")
        let right = hex[(bestStart + bestLength)...].joined(separator: ":")
        return left + "::" + right
    }
}
