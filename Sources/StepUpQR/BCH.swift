/// The BCH codes that protect the format information (15,5) and version information (18,6) of a symbol
/// (ISO/IEC 18004 7.9, 7.10, annexes C and D): a misread level, mask or version is caught or corrected.
enum BCH {
    /// The 15 format bits for `level` and `mask`, already XORed with 101010000010010 so they are never all light.
    static func formatBits(level: QRErrorCorrection, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        return (data << 10 | remainder(data, generator: 0x537, degree: 10)) ^ 0x5412
    }

    /// The 18 version bits of versions 7…40 (smaller versions carry none): 6 bits of version, 12 of code.
    static func versionBits(_ version: Int) -> Int {
        version << 12 | remainder(version, generator: 0x1F25, degree: 12)
    }

    /// The remainder of `data · x^degree` divided by `generator`, over GF(2).
    private static func remainder(_ data: Int, generator: Int, degree: Int) -> Int {
        var value = data
        for _ in 0..<degree {
            value = (value << 1) ^ ((value >> (degree - 1)) & 1 == 1 ? generator : 0)
        }
        return value & ((1 << degree) - 1)
    }
}
