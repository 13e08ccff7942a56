/// Arithmetic in GF(2⁸) modulo x⁸ + x⁴ + x³ + x² + 1 (0x11D), the field of QR code Reed–Solomon codes
/// (ISO/IEC 18004 7.5.2).
///
/// Addition is XOR; multiplication goes through logarithm tables built once, so an encoder never loops per bit.
enum GaloisField {
    /// The field's reducing polynomial, with its x⁸ term.
    static let polynomial = 0x11D

    /// `exp[i] = αⁱ` (α = 2) for i in 0..<510: doubled so `log a + log b` indexes it without a modulo.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= polynomial }
        }
        return table
    }()

    /// `log[αⁱ] = i`; `log[0]` is meaningless (zero has no logarithm) and never read.
    static let log: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = UInt8(i) }
        return table
    }()

    /// The product `a · b` in the field.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exp[Int(log[Int(a)]) + Int(log[Int(b)])]
    }

    /// `αⁿ` for any n ≥ 0.
    static func power(_ n: Int) -> UInt8 { exp[n % 255] }
}
