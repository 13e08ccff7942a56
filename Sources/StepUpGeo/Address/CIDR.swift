/// An address block such as `192.0.2.0/24` or `2001:db8::/32`; a bare address is a /32 or /128.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block (host bits cleared).
    public let network: IPAddress
    /// Prefix length in the address's own family (0–32 for IPv4, 0–128 for IPv6).
    public let prefixLength: Int

    /// Parses `address/prefix` or a bare address; host bits set below the prefix are cleared, not rejected,
    /// because published lists (and admins) write `10.1.2.3/8` often enough. `::ffff:0:0/96` style IPv6
    /// notation for IPv4-mapped blocks is understood.
    public init?(_ text: some StringProtocol) {
        let trimmed = text.trimmingASCIIWhitespace()
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let writtenAsV6 = parts[0].contains(":")
        let familyBits = writtenAsV6 ? 128 : 32
        var length = familyBits
        if parts.count == 2 {
            guard parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let parsed = Int(parts[1]), parsed >= 0, parsed <= familyBits else { return nil }
            length = parsed
        }
        self.init(address: address, bits128: writtenAsV6 ? length : length + 96)
    }

    /// A block from an address and a prefix length in that address's family; `nil` if the length is out of range.
    public init?(address: IPAddress, prefixLength: Int) {
        let familyBits = address.isV4 ? 32 : 128
        guard prefixLength >= 0, prefixLength <= familyBits else { return nil }
        self.init(address: address, bits128: address.isV4 ? prefixLength + 96 : prefixLength)
    }

    private init(address: IPAddress, bits128: Int) {
        let hostBits = 128 - bits128
        let mask: UInt128 = hostBits >= 128 ? 0 : ~((UInt128(1) << hostBits) - 1)
        self.network = IPAddress(value: address.value & mask)
        self.prefix128 = bits128
        self.prefixLength = network.isV4 && bits128 >= 96 ? bits128 - 96 : bits128
    }

    /// Prefix length counted in the 128-bit space.
    private let prefix128: Int

    /// The last address of the block.
    public var last: IPAddress {
        let hostBits = 128 - prefix128
        let hostMask: UInt128 = hostBits >= 128 ? ~0 : (UInt128(1) << hostBits) - 1
        return IPAddress(value: network.value | hostMask)
    }

    public func contains(_ address: IPAddress) -> Bool {
        address >= network && address <= last
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[start...end]
    }
}
