/// An IPv4 or IPv6 address as one 128-bit number.
///
/// IPv4 addresses are kept in their IPv4-mapped IPv6 form (`::ffff:a.b.c.d`), so one sorted table or CIDR set
/// covers both families and `::ffff:1.2.3.4` (what dual-stack sockets report) equals `1.2.3.4`.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The address as a 128-bit big-endian number (IPv4 mapped into `::ffff:0:0/96`).
    public let value: UInt128

    static let v4MappedPrefix: UInt128 = 0xffff << 32

    public init(value: UInt128) {
        self.value = value
    }

    /// An IPv4 address from its 32-bit number.
    public init(v4 value: UInt32) {
        self.value = Self.v4MappedPrefix | UInt128(value)
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::`, embedded IPv4, optional `%zone`);
    /// `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count <= 64 else { return nil }
        self.init(utf8: Array(text.utf8)[...])
    }

    /// Parses ASCII bytes (used by the list readers, which never build Strings per line).
    init?(utf8 bytes: ArraySlice<UInt8>) {
        var bytes = bytes
        guard bytes.count <= 64 else { return nil }
        if let percent = bytes.firstIndex(of: UInt8(ascii: "%")) { bytes = bytes[..<percent] }
        if bytes.contains(UInt8(ascii: ":")) {
            guard let value = Self.parseV6(bytes) else { return nil }
            self.init(value: value)
        } else {
            guard let value = Self.parseV4(bytes) else { return nil }
            self.init(v4: value)
        }
    }

    /// Whether this is an IPv4 address (stored IPv4-mapped).
    public var isV4: Bool { value >> 32 == 0xffff }

    /// The 32-bit IPv4 number, when this is an IPv4 address.
    public var v4Value: UInt32? { isV4 ? UInt32(truncatingIfNeeded: value) : nil }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool { lhs.value < rhs.value }

    public var description: String {
        if let v4 = v4Value {
            return "\(v4 >> 24).\((v4 >> 16) & 0xff).\((v4 >> 8) & 0xff).\(v4 & 0xff)"
        }
        return v6Description
    }
}
