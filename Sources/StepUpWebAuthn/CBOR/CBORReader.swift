/// The cursor behind ``CBORDecoder``: reads one head (major type + argument) at a time, checking every length
/// against the bytes that remain before it trusts it.
struct CBORReader {
    let bytes: [UInt8]
    var position: Int
    let maxDepth: Int
    var itemBudget: Int

    private var remaining: Int { bytes.count - position }

    mutating func item(depth: Int) throws -> CBOR {
        guard depth <= maxDepth else { throw malformed("nesting deeper than \(maxDepth)") }
        guard itemBudget > 0 else { throw malformed("more data items than allowed") }
        itemBudget -= 1
        let initial = try byte()
        let major = initial >> 5
        let info = initial & 0x1F
        if major == 7 { return try simpleOrFloat(info) }
        let argument = try self.argument(info)
        switch major {
        case 0: return .unsigned(argument)
        case 1: return .negative(argument)
        case 2: return .bytes(try take(argument))
        case 3:
            guard let text = String(validating: try take(argument), as: UTF8.self) else {
                throw malformed("text string is not valid UTF-8")
            }
            return .text(text)
        case 4:
            let count = try count(argument, bytesPerEntry: 1)
            var items: [CBOR] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try item(depth: depth + 1)) }
            return .array(items)
        case 5: return .map(try map(argument, depth: depth))
        default: return .tagged(argument, try item(depth: depth + 1))
        }
    }

    private mutating func map(_ argument: UInt64, depth: Int) throws -> [CBOR.Pair] {
        let count = try count(argument, bytesPerEntry: 2)
        var pairs: [CBOR.Pair] = []
        pairs.reserveCapacity(count)
        var seen = Set<CBOR>(minimumCapacity: count)
        for _ in 0..<count {
            let key = try item(depth: depth + 1)
            guard seen.insert(key).inserted else { throw malformed("duplicate map key") }
            pairs.append(CBOR.Pair(key, try item(depth: depth + 1)))
        }
        return pairs
    }

    /// An element count that the remaining input could possibly hold (every item takes at least one byte).
    private func count(_ argument: UInt64, bytesPerEntry: Int) throws -> Int {
        guard argument <= UInt64(remaining / bytesPerEntry) else {
            throw malformed("declares \(argument) entries but only \(remaining) bytes remain")
        }
        return Int(argument)
    }

    private mutating func argument(_ info: UInt8) throws -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return UInt64(try byte())
        case 25: return try bigEndian(2)
        case 26: return try bigEndian(4)
        case 27: return try bigEndian(8)
        case 31: throw malformed("indefinite-length items are not allowed")
        default: throw malformed("reserved additional information \(info)")
        }
    }

    private mutating func simpleOrFloat(_ info: UInt8) throws -> CBOR {
        switch info {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 0..<20: return .simple(info)
        case 24:
            let value = try byte()
            guard value >= 32 else { throw malformed("simple value \(value) in two-byte form") }
            return .simple(value)
        case 25: return .float(Self.half(UInt16(try bigEndian(2))))
        case 26: return .float(Double(Float(bitPattern: UInt32(try bigEndian(4)))))
        case 27: return .float(Double(bitPattern: try bigEndian(8)))
        case 31: throw malformed("unexpected break (indefinite lengths are not allowed)")
        default: throw malformed("reserved simple value encoding \(info)")
        }
    }

    /// IEEE 754 half precision, converted by hand (Float16 is not on every platform).
    static func half(_ bits: UInt16) -> Double {
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = Double(bits & 0x3FF)
        let magnitude: Double =
            switch exponent {
            case 0: mantissa * 0x1p-24
            case 31: mantissa == 0 ? .infinity : .nan
            default: (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
            }
        return bits & 0x8000 != 0 ? -magnitude : magnitude
    }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw malformed("truncated: input ends inside an item") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func bigEndian(_ width: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for byte in try take(UInt64(width)) { value = value << 8 | UInt64(byte) }
        return value
    }

    private mutating func take(_ length: UInt64) throws -> [UInt8] {
        guard length <= UInt64(remaining) else {
            throw malformed("truncated: declares \(length) bytes but only \(remaining) remain")
        }
        defer { position += Int(length) }
        return Array(bytes[position..<position + Int(length)])
    }

    private func malformed(_ reason: String) -> WebAuthnError { .malformedCBOR(reason) }
}
