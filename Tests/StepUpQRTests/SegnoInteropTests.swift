import StepUpCore
import StepUpTestSupport
import Testing
@testable import StepUpQR

/// Our symbols module for module against segno's, an independent encoder: same version, level, byte mode and mask.
/// (The mask choice itself: `MaskChoiceTests`.)
@Suite("QR: module matrices against segno", .ownThread, .timeLimit(.minutes(5)))
struct SegnoInteropTests {
    /// Every version at every level, each filled to its capacity, one mask pattern each (all eight appear).
    @Test func everyVersionAndLevelWithAForcedMask() throws {
        guard Segno.available() else { return }
        var rng = SplitMix64(seed: 10)
        var codes: [(QRCode, [UInt8])] = []
        for level in QRErrorCorrection.allCases {
            for version in QRVersion.all {
                let bytes = rng.bytes(version.byteCapacity(level))
                let mask = QRMask((version.number + level.rawValue) % 8)
                codes.append((try QRCode.encode(bytes, level: level, mask: mask), bytes))
            }
        }
        #expect(codes.map(\.0.version) == Array(repeating: Array(1...40), count: 4).flatMap { $0 })
        let symbols = try Segno.encode(codes.map { Segno.request($1, like: $0) })
        for ((code, _), symbol) in zip(codes, symbols) {
            #expect(code.difference(from: symbol) == nil, "level \(code.errorCorrection)")
        }
    }

    /// All eight masks of a version 1 and a version 7 symbol (the first with version information).
    @Test func everyMask() throws {
        guard Segno.available() else { return }
        let inputs = [Array("otpauth://".utf8), Array(String(repeating: "otpauth://totp/", count: 8).utf8)]
        var codes: [(QRCode, [UInt8])] = []
        for bytes in inputs {
            for mask in QRMask.all { codes.append((try QRCode.encode(bytes, level: .medium, mask: mask), bytes)) }
        }
        let symbols = try Segno.encode(codes.map { Segno.request($1, like: $0) })
        for ((code, _), symbol) in zip(codes, symbols) { #expect(code.difference(from: symbol) == nil) }
    }
}
