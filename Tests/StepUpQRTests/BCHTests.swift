import Testing
@testable import StepUpQR

/// Format and version information against the standard's tables, so a wrong generator or mask cannot hide
/// behind a reader's error correction.
@Suite("QR: format and version information")
struct BCHTests {
    /// ISO/IEC 18004 annex C, table C.1: the masked format bits, mask patterns 0…7 for each level.
    static let formatTable: [QRErrorCorrection: [String]] = [
        .low: ["111011111000100", "111001011110011", "111110110101010", "111100010011101",
               "110011000101111", "110001100011000", "110110001000001", "110100101110110"],
        .medium: ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                  "100010111111001", "100000011001110", "100111110010111", "100101010100000"],
        .quartile: ["011010101011111", "011000001101000", "011111100110001", "011101000000110",
                    "010010010110100", "010000110000011", "010111011011010", "010101111101101"],
        .high: ["001011010001001", "001001110111110", "001110011100111", "001100111010000",
                "000011101100010", "000001001010101", "000110100001100", "000100000111011"],
    ]

    /// ISO/IEC 18004 annex D, table D.1: version information of versions 7…40.
    static let versionTable: [Int] = [
        0x07C94, 0x085BC, 0x09A99, 0x0A4D3, 0x0BBF6, 0x0C762, 0x0D847, 0x0E60D, 0x0F928, 0x10B78, 0x1145D, 0x12A17,
        0x13532, 0x149A6, 0x15683, 0x168C9, 0x177EC, 0x18EC4, 0x191E1, 0x1AFAB, 0x1B08E, 0x1CC1A, 0x1D33F, 0x1ED75,
        0x1F250, 0x209D5, 0x216F0, 0x228BA, 0x2379F, 0x24B0B, 0x2542E, 0x26A64, 0x27541, 0x28C69,
    ]

    @Test(arguments: QRErrorCorrection.allCases)
    func formatBitsForEveryMask(level: QRErrorCorrection) {
        for mask in 0..<8 {
            #expect(BCH.formatBits(level: level, mask: mask) == Int(Self.formatTable[level]![mask], radix: 2),
                    "level \(level), mask \(mask)")
        }
    }

    @Test func versionBitsForVersions7To40() {
        for (offset, expected) in Self.versionTable.enumerated() {
            #expect(BCH.versionBits(7 + offset) == expected, "version \(7 + offset)")
        }
    }

    /// Both copies of the format bits read back the same (level, mask), and the dark module is dark.
    @Test(arguments: QRErrorCorrection.allCases)
    func formatBitsAreDrawnTwice(level: QRErrorCorrection) throws {
        let code = try QRCode.encode(Array("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP".utf8), level: level)
        let n = code.size
        var first = 0, second = 0
        let firstPositions = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
        let secondPositions = (0..<8).map { (n - 1 - $0, 8) } + (8..<15).map { (8, n - 15 + $0) }
        for (i, (x, y)) in firstPositions.enumerated() where code[x, y] { first |= 1 << i }
        for (i, (x, y)) in secondPositions.enumerated() where code[x, y] { second |= 1 << i }
        #expect(first == BCH.formatBits(level: level, mask: code.mask))
        #expect(second == first)
        #expect(code[8, n - 8])
    }

    /// Both 6 × 3 copies of the version bits hold the table's value (versions 7 and up).
    @Test func versionBitsAreDrawnTwice() throws {
        for length in [150, 700, 2000] {
            let code = try QRCode.encode([UInt8](repeating: 0x41, count: length))
            var topRight = 0, bottomLeft = 0
            for i in 0..<18 {
                let a = code.size - 11 + i % 3, b = i / 3
                if code[a, b] { topRight |= 1 << i }
                if code[b, a] { bottomLeft |= 1 << i }
            }
            #expect(code.version >= 7)
            #expect(topRight == Self.versionTable[code.version - 7])
            #expect(bottomLeft == topRight)
        }
    }
}
