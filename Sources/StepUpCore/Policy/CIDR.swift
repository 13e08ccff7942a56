import Foundation

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `2001:db8::/32`) or single address, for rule `network:` conditions.
///
/// Kept minimal and private to the policy engine; StepUpGeo has the full range sets.
struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// IPv4 addresses are stored as IPv4-mapped IPv6 (`::ffff:a.b.c.d`), so one comparison serves both.
    let high: UInt64
    let low: UInt64
    let prefix: Int
    let text: String

    var description: String { text }

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress.parse(parts[0]) else { return nil }
        let maxPrefix = address.isV4 ? 32 : 128
        var prefix = maxPrefix
        if parts.count == 2 {
            guard parts[1].count <= 3, let value = Int(parts[1]), (0...maxPrefix).contains(value) else { return nil }
            prefix = value
        }
        self.prefix = address.isV4 ? prefix + 96 : prefix
        let (maskHigh, maskLow) = CIDR.mask(self.prefix)
        high = address.high & maskHigh
        low = address.low & maskLow
        self.text = text
    }

    func contains(_ address: IPAddress) -> Bool {
        let (maskHigh, maskLow) = CIDR.mask(prefix)
        return address.high & maskHigh == high && address.low & maskLow == low
    }

    private static func mask(_ prefix: Int) -> (UInt64, UInt64) {
        let high: UInt64 = prefix >= 64 ? .max : (prefix == 0 ? 0 : ~(UInt64.max >> UInt64(prefix)))
        let lowBits = prefix - 64
        let low: UInt64 = lowBits <= 0 ? 0 : (lowBits >= 64 ? .max : ~(UInt64.max >> UInt64(lowBits)))
        return (high, low)
    }
}

/// A parsed IP address as 128 bits (IPv4 mapped into `::ffff:0:0/96`).
struct IPAddress: Sendable, Hashable {
    let high: UInt64
    let low: UInt64
    let isV4: Bool

    static func parse<S: StringProtocol>(_ text: S) -> IPAddress? {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        if let v4 = parseV4(text) { return IPAddress(high: 0, low: 0xffff_0000_0000 | UInt64(v4), isV4: true) }
        return parseV6(text)
    }

    /// Dotted quad without allocating (this runs once per network condition per decision).
    private static func parseV4<S: StringProtocol>(_ text: S) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                (octet, digits, dots) = (0, 0, dots + 1)
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    private static func parseV6<S: StringProtocol>(_ text: S) -> IPAddress? {
        var text = Substring(text)
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        guard let head = groups(halves[0], allowV4Tail: halves.count == 1) else { return nil }
        var words = head
        if halves.count == 2 {
            guard let tail = groups(halves[1], allowV4Tail: true), head.count + tail.count <= 7 else { return nil }
            words += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard words.count == 8 else { return nil }
        let high = words[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = words[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return IPAddress(high: high, low: low, isV4: false)
    }

    private static func groups(_ text: String, allowV4Tail: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        var result: [UInt16] = []
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, allowV4Tail, part.contains("."), let v4 = parseV4(part) {
                result += [UInt16(v4 >> 16), UInt16(v4 & 0xffff)]
            } else {
                guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit), let word = UInt16(part, radix: 16)
                else { return nil }
                result.append(word)
            }
        }
        return result
    }
}
