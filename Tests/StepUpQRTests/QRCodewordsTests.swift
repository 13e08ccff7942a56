import Testing
@testable import StepUpQR

/// The bit stream and block structure (ISO/IEC 18004 7.4.9, 7.4.10, 7.6), pinned by hand-worked examples: an
/// independent encoder (segno 1.6.6) differs on padding, so these tests hold the standard's reading.
@Suite("QR: codewords, padding and interleaving")
struct QRCodewordsTests {
    /// 0100 | 00001010 | "otpauth://" | 0000 ends on a codeword boundary: no padding bits, so the pad codewords
    /// 0xEC 0x11 follow at once (segno inserts a 0x00 codeword here).
    @Test func padCodewordsFollowAByteAlignedTerminator() {
        let data = QRCodewords.dataCodewords(Array("otpauth://".utf8), version: QRVersion(1)!, level: .medium)
        let expected: [UInt8] = [0x40, 0xA6, 0xF7, 0x47, 0x06, 0x17, 0x57, 0x46, 0x83, 0xA2, 0xF2, 0xF0,
                                 0xEC, 0x11, 0xEC, 0x11]
        #expect(data == expected)
    }

    /// Fourteen bytes fill version 1-M exactly: the terminator's four bits complete the last codeword.
    @Test func fullCapacityLeavesNoPadCodeword() {
        let bytes = [UInt8](repeating: 0xAB, count: 14)
        let data = QRCodewords.dataCodewords(bytes, version: QRVersion(1)!, level: .medium)
        #expect(data.count == 16)
        #expect(data.prefix(2) == [0x40, 0xEA])
        #expect(data.last == 0xB0)
    }

    /// Versions 10 and up count bytes in 16 bits.
    @Test func sixteenBitCountFromVersion10() {
        let version = QRVersion(10)!
        let data = QRCodewords.dataCodewords([0xFF], version: version, level: .medium)
        #expect(data.prefix(4) == [0x40, 0x00, 0x1F, 0xF0])
        #expect(data.count == version.dataCodewords(.medium))
    }

    /// Version 5-Q: blocks of 15, 15, 16 and 16 data codewords (the longer last), 18 error-correction codewords each,
    /// read out column by column.
    @Test func blocksAreInterleavedShortFirst() {
        let version = QRVersion(5)!
        let data = (0..<62).map(UInt8.init)
        let sequence = QRCodewords.interleave(data, version: version, level: .quartile)
        #expect(sequence.count == version.totalCodewords)
        let blocks = [Array(data[0..<15]), Array(data[15..<30]), Array(data[30..<46]), Array(data[46..<62])]
        var expected: [UInt8] = []
        for column in 0..<16 {
            for block in blocks where column < block.count { expected.append(block[column]) }
        }
        #expect(sequence.prefix(62).elementsEqual(expected))
        #expect(sequence[..<16] == [0, 15, 30, 46, 1, 16, 31, 47, 2, 17, 32, 48, 3, 18, 33, 49])
        #expect(sequence[56..<62] == [14, 29, 44, 60, 45, 61])
        let corrections = blocks.map(ReedSolomon(degree: 18).remainder(of:))
        let interleaved = (0..<18).flatMap { column in corrections.map { $0[column] } }
        #expect(Array(sequence[62...]) == interleaved)
    }
}
