import Foundation
import StepUpCore
import Testing

@Suite("Hex")
struct HexTests {
    /// Every byte value, and random runs, against Foundation's formatter (an independent writer).
    @Test func matchesFormattedBytes() {
        var generator = SystemRandomNumberGenerator()
        var inputs: [[UInt8]] = [[], Array(0...255)]
        for _ in 0..<200 {
            let count = Int.random(in: 0...80, using: &generator)
            inputs.append((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        for bytes in inputs {
            let expected = bytes.map { String(format: "%02x", $0) }.joined()
            #expect(Hex.lowercase(bytes) == expected)
            #expect(Hex.lowercase(bytes.lazy.map { $0 }) == expected, "a sequence without contiguous storage")
            #expect(bytes.withUnsafeBytes(Hex.lowercase) == expected)
        }
    }
}
