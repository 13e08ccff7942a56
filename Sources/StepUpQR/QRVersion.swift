/// A symbol version, 1…40: its size, codeword capacity and alignment pattern positions (ISO/IEC 18004 tables 1
/// and 7, annex E), computed rather than tabulated so the tables cannot hold a typo.
struct QRVersion: Sendable, Hashable, Comparable {
    static let range = 1...40
    static let all = range.map(QRVersion.init(unchecked:))

    let number: Int

    private init(unchecked number: Int) { self.number = number }

    init?(_ number: Int) {
        guard Self.range.contains(number) else { return nil }
        self.number = number
    }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.number < rhs.number }

    /// Modules a side: 21 for version 1, 4 more for each version after it.
    var size: Int { 17 + 4 * number }

    /// Modules left for codewords and remainder bits once every function pattern and information area is drawn.
    var dataModules: Int {
        var modules = (16 * number + 128) * number + 64
        if number >= 2 {
            let alignments = number / 7 + 2
            // Alignment patterns, less the parts of them that overlap the timing patterns.
            modules -= (25 * alignments - 10) * alignments - 55
        }
        if number >= 7 { modules -= 36 }  // two version information blocks
        return modules
    }

    /// All codewords (data and error correction); the `dataModules % 8` bits left over are remainder bits.
    var totalCodewords: Int { dataModules / 8 }

    /// Bits in byte mode's character count indicator (table 3).
    var characterCountBits: Int { number <= 9 ? 8 : 16 }

    func dataCodewords(_ level: QRErrorCorrection) -> Int {
        totalCodewords - level.blockCount(version: number) * level.eccCodewordsPerBlock(version: number)
    }

    /// The most bytes one byte-mode segment can carry at `level`: after the 4-bit mode and the character count.
    func byteCapacity(_ level: QRErrorCorrection) -> Int {
        (dataCodewords(level) * 8 - 4 - characterCountBits) / 8
    }

    /// Row and column coordinates of alignment pattern centres (annex E): 6, then evenly spaced up to `size − 7`.
    var alignmentCenters: [Int] {
        guard number >= 2 else { return [] }
        let count = number / 7 + 2
        let step = (number * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        return [6] + (0..<count - 1).map { size - 7 - step * $0 }.reversed()
    }

    /// The smallest version whose byte capacity at `level` holds `byteCount` bytes, or nil when none does.
    static func smallest(holding byteCount: Int, level: QRErrorCorrection) -> QRVersion? {
        all.first { $0.byteCapacity(level) >= byteCount }
    }
}
