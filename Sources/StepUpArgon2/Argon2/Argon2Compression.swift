/// The Argon2 compression function G (RFC 9106 §3.5–3.6) over 1 KiB blocks of 128 little-endian words.
///
/// Everything here works on raw pointers with wrapping arithmetic and is force-inlined: it runs
/// 128 × 16 times per block and is the whole cost of Argon2.
enum Argon2Compression {
    /// `out = P(prev ⊕ ref) ⊕ (prev ⊕ ref) [⊕ out if xorInto]`. `scratch` holds 128 words.
    /// `out` may alias `ref` (used when generating address blocks).
    @inline(__always)
    static func compress(
        prev: UnsafePointer<UInt64>, ref: UnsafePointer<UInt64>, out: UnsafeMutablePointer<UInt64>,
        scratch r: UnsafeMutablePointer<UInt64>, xorInto: Bool
    ) {
        if xorInto {
            for i in 0..<128 {
                let v = prev[i] ^ ref[i]
                r[i] = v
                out[i] ^= v
            }
        } else {
            for i in 0..<128 {
                let v = prev[i] ^ ref[i]
                r[i] = v
                out[i] = v
            }
        }
        for row in 0..<8 { permuteRow(r + 16 &* row) }
        for column in 0..<8 { permuteColumn(r + 2 &* column) }
        for i in 0..<128 { out[i] ^= r[i] }
    }

    @inline(__always)
    static func permuteRow(_ p: UnsafeMutablePointer<UInt64>) {
        var v0 = p[0], v1 = p[1], v2 = p[2], v3 = p[3], v4 = p[4], v5 = p[5], v6 = p[6], v7 = p[7]
        var v8 = p[8], v9 = p[9], v10 = p[10], v11 = p[11], v12 = p[12], v13 = p[13], v14 = p[14], v15 = p[15]
        round(&v0, &v1, &v2, &v3, &v4, &v5, &v6, &v7, &v8, &v9, &v10, &v11, &v12, &v13, &v14, &v15)
        p[0] = v0; p[1] = v1; p[2] = v2; p[3] = v3; p[4] = v4; p[5] = v5; p[6] = v6; p[7] = v7
        p[8] = v8; p[9] = v9; p[10] = v10; p[11] = v11; p[12] = v12; p[13] = v13; p[14] = v14; p[15] = v15
    }

    /// A column of 16-byte registers: words (2i, 2i+1) of each of the eight rows.
    @inline(__always)
    static func permuteColumn(_ p: UnsafeMutablePointer<UInt64>) {
        var v0 = p[0], v1 = p[1], v2 = p[16], v3 = p[17], v4 = p[32], v5 = p[33], v6 = p[48], v7 = p[49]
        var v8 = p[64], v9 = p[65], v10 = p[80], v11 = p[81], v12 = p[96], v13 = p[97], v14 = p[112], v15 = p[113]
        round(&v0, &v1, &v2, &v3, &v4, &v5, &v6, &v7, &v8, &v9, &v10, &v11, &v12, &v13, &v14, &v15)
        p[0] = v0; p[1] = v1; p[16] = v2; p[17] = v3; p[32] = v4; p[33] = v5; p[48] = v6; p[49] = v7
        p[64] = v8; p[65] = v9; p[80] = v10; p[81] = v11; p[96] = v12; p[97] = v13; p[112] = v14; p[113] = v15
    }

    // swiftlint:disable:next function_parameter_count
    @inline(__always)
    static func round(
        _ v0: inout UInt64, _ v1: inout UInt64, _ v2: inout UInt64, _ v3: inout UInt64,
        _ v4: inout UInt64, _ v5: inout UInt64, _ v6: inout UInt64, _ v7: inout UInt64,
        _ v8: inout UInt64, _ v9: inout UInt64, _ v10: inout UInt64, _ v11: inout UInt64,
        _ v12: inout UInt64, _ v13: inout UInt64, _ v14: inout UInt64, _ v15: inout UInt64
    ) {
        gb(&v0, &v4, &v8, &v12)
        gb(&v1, &v5, &v9, &v13)
        gb(&v2, &v6, &v10, &v14)
        gb(&v3, &v7, &v11, &v15)
        gb(&v0, &v5, &v10, &v15)
        gb(&v1, &v6, &v11, &v12)
        gb(&v2, &v7, &v8, &v13)
        gb(&v3, &v4, &v9, &v14)
    }

    /// GB: BLAKE2b's G with the multiply-hardened addition `a + b + 2·lo(a)·lo(b)` and no message words.
    @inline(__always)
    static func gb(_ a: inout UInt64, _ b: inout UInt64, _ c: inout UInt64, _ d: inout UInt64) {
        a = blaMka(a, b)
        d = rotr(d ^ a, 32)
        c = blaMka(c, d)
        b = rotr(b ^ c, 24)
        a = blaMka(a, b)
        d = rotr(d ^ a, 16)
        c = blaMka(c, d)
        b = rotr(b ^ c, 63)
    }

    @inline(__always)
    static func blaMka(_ x: UInt64, _ y: UInt64) -> UInt64 {
        x &+ y &+ 2 &* ((x & 0xFFFF_FFFF) &* (y & 0xFFFF_FFFF))
    }

    @inline(__always)
    static func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &>> n) | (x &<< (64 &- n)) }
}
