/// How much of a damaged symbol can be recovered: the share of codewords Reed–Solomon can restore.
///
/// Ordered from least to most redundant. Higher levels need larger symbols for the same data; `.medium` is the
/// usual choice for a code shown on a screen (ISO/IEC 18004 table 13).
public enum QRErrorCorrection: Int, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// About 7 % of codewords recoverable.
    case low
    /// About 15 %: the default.
    case medium
    /// About 25 %.
    case quartile
    /// About 30 %.
    case high

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The letter the standard uses: L, M, Q or H.
    public var description: String { ["L", "M", "Q", "H"][rawValue] }

    /// The two bits that name the level in the format information (table 12): not in the order of strength.
    var formatBits: Int { [0b01, 0b00, 0b11, 0b10][rawValue] }

    /// The number of error-correction blocks in a symbol of `version` (table 9).
    func blockCount(version: Int) -> Int { Self.blockCounts[rawValue][version] }

    /// The Reed–Solomon codewords in each block of a symbol of `version` (table 9: the same for every block).
    func eccCodewordsPerBlock(version: Int) -> Int { Self.eccPerBlock[rawValue][version] }

    // ISO/IEC 18004 table 9, one row per level (L, M, Q, H), indexed by version; index 0 is unused.
    private static let eccPerBlock: [[Int]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    private static let blockCounts: [[Int]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]
}
