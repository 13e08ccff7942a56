/// The codeword sequence of a symbol (ISO/IEC 18004 7.4–7.6): one byte-mode segment, terminator and pad
/// codewords, split into blocks, each followed by its Reed–Solomon codewords, then interleaved.
enum QRCodewords {
    /// The final sequence to place in the matrix for `bytes`: data codewords interleaved across blocks, then the
    /// error-correction codewords interleaved the same way (7.6).
    static func interleaved(_ bytes: [UInt8], version: QRVersion, level: QRErrorCorrection) -> [UInt8] {
        interleave(dataCodewords(bytes, version: version, level: level), version: version, level: level)
    }

    /// Splits `data` (all of a symbol's data codewords) into the version's blocks, computes each block's
    /// error-correction codewords and interleaves both.
    static func interleave(_ data: [UInt8], version: QRVersion, level: QRErrorCorrection) -> [UInt8] {
        precondition(data.count == version.dataCodewords(level), "\(data.count) data codewords for \(version)")
        let blockCount = level.blockCount(version: version.number)
        let code = ReedSolomon(degree: level.eccCodewordsPerBlock(version: version.number))
        // Blocks differ by at most one data codeword; the longer ones come last (table 9).
        let shortLength = data.count / blockCount
        let longBlocks = data.count % blockCount
        var blocks: [[UInt8]] = []
        var start = 0
        for index in 0..<blockCount {
            let length = shortLength + (index >= blockCount - longBlocks ? 1 : 0)
            blocks.append(Array(data[start..<start + length]))
            start += length
        }
        var result: [UInt8] = []
        result.reserveCapacity(version.totalCodewords)
        for column in 0...shortLength {
            for block in blocks where column < block.count { result.append(block[column]) }
        }
        let corrections = blocks.map(code.remainder(of:))
        for column in 0..<code.degree {
            for block in corrections { result.append(block[column]) }
        }
        return result
    }

    /// The data codewords: mode indicator 0100, the byte count, the bytes, up to four terminator bits, zero bits
    /// to a byte boundary, then the pad codewords 0xEC and 0x11 in turn until the version's capacity (7.4.9, 7.4.10).
    static func dataCodewords(_ bytes: [UInt8], version: QRVersion, level: QRErrorCorrection) -> [UInt8] {
        let capacity = version.dataCodewords(level)
        precondition(bytes.count <= version.byteCapacity(level), "\(bytes.count) bytes overflow \(version)")
        var writer = BitWriter()
        writer.append(0b0100, bits: 4)
        writer.append(bytes.count, bits: version.characterCountBits)
        for byte in bytes { writer.append(Int(byte), bits: 8) }
        writer.append(0, bits: min(4, capacity * 8 - writer.count))
        var codewords = writer.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacity {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }
}

/// Bits appended most significant first and packed into bytes; a partial last byte is padded with zeros.
private struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, bits: Int) {
        for shift in stride(from: bits - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}
