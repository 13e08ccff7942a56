/// An authenticator model identifier (16 bytes), written like a UUID (`ee882879-721c-4913-9775-3dfcce97072a`).
///
/// All zeros means the authenticator did not say (most `none` attestations and all U2F keys).
public struct AAGUID: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// The all-zero AAGUID: model unknown.
    public static let zero = AAGUID(unchecked: [UInt8](repeating: 0, count: 16))

    /// Nil unless `bytes` has exactly 16 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Reads the UUID form (hyphens optional, any case), as operators write AAGUIDs in the allow-list.
    public init?(_ text: String) {
        let digits = text.filter { $0 != "-" }
        guard digits.count == 32, digits.allSatisfy(\.isHexDigit) else { return nil }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.bytes = bytes
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    public var description: String {
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        var out = ""
        for (i, char) in hex.enumerated() {
            if [8, 12, 16, 20].contains(i) { out.append("-") }
            out.append(char)
        }
        return out
    }
}
