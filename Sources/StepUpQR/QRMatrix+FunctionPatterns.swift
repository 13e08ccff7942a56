/// The parts of a symbol that carry no data (ISO/IEC 18004 6.3, 7.9, 7.10): finder patterns with their separators,
/// timing patterns, alignment patterns, the dark module, and the format and version information.
extension QRMatrix {
    /// Draws every function pattern and reserves the information areas, light until ``drawInformation``: the mask
    /// is chosen on the symbol without them, as the standard orders the steps (7.1: masking is step 6, format and
    /// version information step 7).
    mutating func drawFunctionPatterns(version: QRVersion) {
        // Timing first: the finders' separators then overwrite its ends.
        for i in 0..<size {
            setFunction(x: 6, y: i, dark: i % 2 == 0)
            setFunction(x: i, y: 6, dark: i % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            drawSquare(centerX: x, centerY: y, radius: 4) { $0 != 2 && $0 != 4 }
        }
        let centers = version.alignmentCenters
        for (i, y) in centers.enumerated() {
            for (j, x) in centers.enumerated() {
                let overlapsFinder = (i == 0 && j == 0) || (i == 0 && j == centers.count - 1)
                    || (i == centers.count - 1 && j == 0)
                if !overlapsFinder { drawSquare(centerX: x, centerY: y, radius: 2) { $0 != 1 } }
            }
        }
        formatPositions(level: .medium, mask: QRMask.all[0]).forEach { setFunction(x: $0.x, y: $0.y, dark: false) }
        setFunction(x: 8, y: size - 8, dark: false)
        versionPositions(version).forEach { setFunction(x: $0.x, y: $0.y, dark: false) }
    }

    /// Writes the format information for `level` and `mask`, the dark module and (from version 7) the version
    /// information.
    mutating func drawInformation(version: QRVersion, level: QRErrorCorrection, mask: QRMask) {
        for module in formatPositions(level: level, mask: mask) + versionPositions(version) {
            setFunction(x: module.x, y: module.y, dark: module.dark)
        }
        setFunction(x: 8, y: size - 8, dark: true)
    }

    /// The two copies of the 15 format bits: around the top-left finder, and split between the other two.
    private func formatPositions(level: QRErrorCorrection, mask: QRMask) -> [(x: Int, y: Int, dark: Bool)] {
        let bits = BCH.formatBits(level: level, mask: mask.number)
        var result: [(x: Int, y: Int, dark: Bool)] = []
        for i in 0..<15 {
            let dark = (bits >> i) & 1 == 1
            // Copy 1: down column 8 (skipping the timing row), then left along row 8 (skipping the timing column).
            switch i {
            case 0..<6: result.append((8, i, dark))
            case 6..<8: result.append((8, i + 1, dark))
            case 8: result.append((7, 8, dark))
            default: result.append((14 - i, 8, dark))
            }
            // Copy 2: right to left under the top-right finder, then down beside the bottom-left one.
            result.append(i < 8 ? (size - 1 - i, 8, dark) : (8, size - 15 + i, dark))
        }
        return result
    }

    /// The two 6 × 3 copies of the 18 version bits, beside the top-right and bottom-left finders (versions 7…40).
    private func versionPositions(_ version: QRVersion) -> [(x: Int, y: Int, dark: Bool)] {
        guard version.number >= 7 else { return [] }
        let bits = BCH.versionBits(version.number)
        return (0..<18).flatMap { i -> [(x: Int, y: Int, dark: Bool)] in
            let dark = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            return [(a, b, dark), (b, a, dark)]
        }
    }

    /// A square ring pattern: each module at Chebyshev distance d from the centre is dark where `dark(d)`.
    private mutating func drawSquare(centerX: Int, centerY: Int, radius: Int, dark: (Int) -> Bool) {
        for dy in -radius...radius {
            for dx in -radius...radius {
                let x = centerX + dx, y = centerY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                setFunction(x: x, y: y, dark: dark(max(abs(dx), abs(dy))))
            }
        }
    }
}
