import Testing
@testable import StepUpQR

/// Capacities, sizes and alignment positions against ISO/IEC 18004 tables 1, 7 and annex E, and the choice of the
/// smallest version.
@Suite("QR: versions and capacity")
struct QRVersionTests {
    /// Byte-mode capacities from table 7 (version, L, M, Q, H).
    static let capacities: [(Int, [Int])] = [
        (1, [17, 14, 11, 7]), (2, [32, 26, 20, 14]), (5, [106, 84, 60, 44]), (7, [154, 122, 86, 64]),
        (10, [271, 213, 151, 119]), (15, [520, 412, 292, 220]), (20, [858, 666, 482, 382]),
        (27, [1465, 1125, 805, 625]), (33, [2068, 1628, 1168, 898]), (40, [2953, 2331, 1663, 1273]),
    ]

    @Test func byteCapacitiesMatchTable7() {
        for (number, expected) in Self.capacities {
            let version = QRVersion(number)!
            #expect(QRErrorCorrection.allCases.map(version.byteCapacity) == expected, "version \(number)")
        }
    }

    @Test func sizesAndCodewordCounts() {
        #expect(QRVersion(1)!.size == 21)
        #expect(QRVersion(40)!.size == 177)
        #expect(QRVersion(1)!.totalCodewords == 26)
        #expect(QRVersion(7)!.totalCodewords == 196)
        #expect(QRVersion(40)!.totalCodewords == 3706)
        #expect(QRVersion(0) == nil && QRVersion(41) == nil)
    }

    @Test func alignmentCentresMatchAnnexE() {
        let expected: [Int: [Int]] = [
            1: [], 2: [6, 18], 6: [6, 34], 7: [6, 22, 38], 15: [6, 26, 48, 70], 16: [6, 26, 50, 74],
            32: [6, 34, 60, 86, 112, 138], 36: [6, 24, 50, 76, 102, 128, 154], 40: [6, 30, 58, 86, 114, 142, 170],
        ]
        for (number, centres) in expected {
            #expect(QRVersion(number)!.alignmentCenters == centres, "version \(number)")
        }
    }

    @Test func theSmallestVersionThatHoldsTheDataIsChosen() throws {
        #expect(try QRCode.encode([UInt8](repeating: 0x61, count: 14)).version == 1)
        #expect(try QRCode.encode([UInt8](repeating: 0x61, count: 15)).version == 2)
        #expect(try QRCode.encode([UInt8](repeating: 0x61, count: 17), level: .low).version == 1)
        #expect(try QRCode.encode([UInt8](repeating: 0x61, count: 2331)).version == 40)
        #expect(try QRCode.encode([]).version == 1)
        let code = try QRCode.encode("otpauth://x")
        #expect(code.size == 21 && code.errorCorrection == .medium && (0..<8).contains(code.mask))
    }

    @Test func tooMuchDataIsRefusedWithTheLimit() {
        #expect(throws: QRError.dataTooLong(byteCount: 0, capacity: 0, level: .medium)) {
            try QRCode.encode([UInt8](repeating: 0x61, count: 2332))
        }
        do {
            _ = try QRCode.encode([UInt8](repeating: 0x61, count: 1274), level: .high)
            Issue.record("1274 bytes at level H should not fit")
        } catch let error as QRError {
            #expect(error.reason.contains("1274 bytes") && error.reason.contains("at most 1273"))
            #expect(error.description.hasPrefix("QR code data too long"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
