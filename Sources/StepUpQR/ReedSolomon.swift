/// Reed–Solomon error-correction codewords for one block (ISO/IEC 18004 7.5.2): the remainder of the data
/// polynomial times x^degree divided by the generator polynomial g(x) = (x − α⁰)(x − α¹)…(x − α^(degree−1)).
struct ReedSolomon: Sendable {
    /// g(x)'s coefficients below its leading 1, highest power first.
    let generator: [UInt8]

    /// A code that appends `degree` error-correction codewords (7…30 in QR code symbols).
    init(degree: Int) {
        precondition((1...254).contains(degree), "Reed–Solomon degree \(degree) out of range")
        // Start from g(x) = 1 and multiply by (x − αⁱ) in turn; minus is plus in GF(2⁸).
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                coefficients[j] = GaloisField.multiply(coefficients[j], root)
                if j + 1 < degree { coefficients[j] ^= coefficients[j + 1] }
            }
            root = GaloisField.multiply(root, 2)
        }
        generator = coefficients
    }

    var degree: Int { generator.count }

    /// The error-correction codewords of `data` (the remainder of long division by the generator).
    func remainder(of data: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ result[0]
            for i in 0..<degree - 1 { result[i] = result[i + 1] }
            result[degree - 1] = 0
            if factor == 0 { continue }
            for i in 0..<degree { result[i] ^= GaloisField.multiply(generator[i], factor) }
        }
        return result
    }
}
