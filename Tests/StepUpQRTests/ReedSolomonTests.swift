import StepUpCore
import StepUpTestSupport
import Testing
@testable import StepUpQR

/// GF(2⁸) and Reed–Solomon against the standard's worked examples and the field's defining identities.
@Suite("QR: GF(256) and Reed–Solomon")
struct ReedSolomonTests {
    @Test func fieldTablesFollowTheReducingPolynomial() {
        #expect(GaloisField.power(0) == 1)
        #expect(GaloisField.power(8) == 0x1D)  // x⁸ = x⁴ + x³ + x² + 1
        #expect(GaloisField.power(255) == 1)
        #expect(Set(GaloisField.exp[0..<255]).count == 255)  // α generates every non-zero element
        for a in 1...255 {
            let inverse = GaloisField.power(255 - Int(GaloisField.log[a]))
            #expect(GaloisField.multiply(UInt8(a), inverse) == 1)
        }
        #expect(GaloisField.multiply(0, 0x53) == 0)
        #expect(GaloisField.multiply(0x53, 0xCA) == GaloisField.multiply(0xCA, 0x53))
    }

    /// The generator polynomial of degree 7 (annex A):
    /// α⁰ x⁷ + α⁸⁷ x⁶ + α²²⁹ x⁵ + α¹⁴⁶ x⁴ + α¹⁴⁹ x³ + α²³⁸ x² + α¹⁰² x + α²¹.
    @Test func generatorOfDegreeSeven() {
        let exponents = [87, 229, 146, 149, 238, 102, 21]
        #expect(ReedSolomon(degree: 7).generator == exponents.map(GaloisField.power))
    }

    /// ISO/IEC 18004 annex I: "01234567" in numeric mode, version 1-M.
    @Test func annexExampleVersion1M() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
                             0xEC, 0x11]
        let expected: [UInt8] = [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55]
        #expect(ReedSolomon(degree: 10).remainder(of: data) == expected)
    }

    /// "HELLO WORLD" in alphanumeric mode, version 1-M: the widely reproduced tutorial example.
    @Test func helloWorldVersion1M() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let expected: [UInt8] = [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]
        #expect(ReedSolomon(degree: 10).remainder(of: data) == expected)
    }

    /// A codeword with its remainder appended is a multiple of the generator: it vanishes at every root αⁱ.
    @Test func codewordsVanishAtTheGeneratorsRoots() {
        let seed = TestSeed.seed("ReedSolomonTests.codewordsVanishAtTheGeneratorsRoots")
        var rng = SplitMix64(seed: seed)
        for degree in [7, 10, 13, 17, 22, 26, 28, 30] {
            let data = rng.bytes(Int.random(in: 1...120, using: &rng))
            let codeword = data + ReedSolomon(degree: degree).remainder(of: data)
            for i in 0..<degree {
                let root = GaloisField.power(i)
                let value = codeword.reduce(UInt8(0)) { GaloisField.multiply($0, root) ^ $1 }
                #expect(value == 0, "seed \(seed): degree \(degree), root α^\(i)")
            }
        }
    }
}
