/// Decodes the MaxMind DB data section format (spec section "Output Data Section") from a byte buffer.
///
/// Every read is bounds-checked and nesting is limited, so a hostile or truncated file yields an error,
/// never a crash or an endless pointer loop.
struct MMDBDecoder {
    let bytes: [UInt8]
    /// Where pointers count from: the data section start, or the metadata start when decoding metadata.
    let base: Int
    /// One past the last byte this decoder may read.
    let end: Int

    static let maxDepth = 32

    enum Kind: Int {
        case extended = 0, pointer, string, double, bytes, uint16, uint32, map
        case int32, uint64, uint128, array, container, endMarker, bool, float
    }

    /// A control byte's type and payload size, and where the payload starts.
    struct Header {
        var kind: Kind
        var size: Int
        var payload: Int
    }

    func byte(_ offset: Int) throws(GeoError) -> UInt8 {
        guard offset >= 0, offset < end else { throw .badDatabase("read past the end of the data section") }
        return bytes[offset]
    }

    /// Big-endian unsigned integer of `count` (0…16) bytes.
    func unsigned(_ offset: Int, count: Int) throws(GeoError) -> UInt128 {
        guard offset >= 0, count >= 0, count <= 16, offset <= end - count else {
            throw .badDatabase("field runs past the end of the data section")
        }
        var value: UInt128 = 0
        for index in offset..<(offset + count) { value = value << 8 | UInt128(bytes[index]) }
        return value
    }

    func header(at offset: Int) throws(GeoError) -> Header {
        let control = try byte(offset)
        var cursor = offset + 1
        var rawKind = Int(control >> 5)
        if rawKind == Kind.pointer.rawValue {
            return Header(kind: .pointer, size: Int(control & 0x1f), payload: cursor)
        }
        if rawKind == 0 {
            rawKind = 7 + Int(try byte(cursor))
            cursor += 1
        }
        guard let kind = Kind(rawValue: rawKind), kind != .extended, kind != .pointer else {
            throw .badDatabase("unknown data type \(rawKind) at offset \(offset)")
        }
        var size = Int(control & 0x1f)
        switch size {
        case 29: size = 29 + Int(try byte(cursor)); cursor += 1
        case 30: size = 285 + Int(try unsigned(cursor, count: 2)); cursor += 2
        case 31: size = 65_821 + Int(try unsigned(cursor, count: 3)); cursor += 3
        default: break
        }
        return Header(kind: kind, size: size, payload: cursor)
    }

    /// Resolves a pointer header: returns the absolute target offset and the offset after the pointer.
    func pointer(_ header: Header) throws(GeoError) -> (target: Int, next: Int) {
        let sizeBits = (header.size >> 3) & 0x3
        let high = UInt128(header.size & 0x7)
        let value: UInt128
        switch sizeBits {
        case 0: value = high << 8 | (try unsigned(header.payload, count: 1))
        case 1: value = (high << 16 | (try unsigned(header.payload, count: 2))) + 2048
        case 2: value = (high << 24 | (try unsigned(header.payload, count: 3))) + 526_336
        default: value = try unsigned(header.payload, count: 4)
        }
        return (base + Int(value), header.payload + sizeBits + 1)
    }
}
