/// RFC 7693 §3.1 message schedule: SIGMA rows 0...9; rounds 10 and 11 reuse rows 0 and 1.
private let sigma: [Int] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
    11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
    7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
    9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
    2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
    12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
    13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
    6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
    10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
]

@inline(__always)
private func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { (x >> n) | (x << (64 &- n)) }

/// The mixing function G (RFC 7693 §3.1).
@inline(__always)
private func mix(
    _ a: inout UInt64, _ b: inout UInt64, _ c: inout UInt64, _ d: inout UInt64, _ x: UInt64, _ y: UInt64
) {
    a = a &+ b &+ x
    d = rotr(d ^ a, 32)
    c = c &+ d
    b = rotr(b ^ c, 24)
    a = a &+ b &+ y
    d = rotr(d ^ a, 16)
    c = c &+ d
    b = rotr(b ^ c, 63)
}

extension BLAKE2b {
    /// The compression function F (RFC 7693 §3.2) over one 128-byte block at `block`.
    mutating func compress(_ block: UnsafeRawPointer, isLast: Bool) {
        var m = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                 UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &m) { words in
            for i in 0..<16 {
                let word = block.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                words.storeBytes(of: UInt64(littleEndian: word), toByteOffset: i * 8, as: UInt64.self)
            }
        }
        var v0 = h.0, v1 = h.1, v2 = h.2, v3 = h.3, v4 = h.4, v5 = h.5, v6 = h.6, v7 = h.7
        var v8 = Self.iv.0, v9 = Self.iv.1, v10 = Self.iv.2, v11 = Self.iv.3
        var v12 = Self.iv.4 ^ countLow, v13 = Self.iv.5 ^ countHigh
        var v14 = isLast ? ~Self.iv.6 : Self.iv.6, v15 = Self.iv.7
        withUnsafeBytes(of: &m) { raw in
            let w = raw.bindMemory(to: UInt64.self)
            for round in 0..<12 {
                let s = (round % 10) * 16
                mix(&v0, &v4, &v8, &v12, w[sigma[s]], w[sigma[s + 1]])
                mix(&v1, &v5, &v9, &v13, w[sigma[s + 2]], w[sigma[s + 3]])
                mix(&v2, &v6, &v10, &v14, w[sigma[s + 4]], w[sigma[s + 5]])
                mix(&v3, &v7, &v11, &v15, w[sigma[s + 6]], w[sigma[s + 7]])
                mix(&v0, &v5, &v10, &v15, w[sigma[s + 8]], w[sigma[s + 9]])
                mix(&v1, &v6, &v11, &v12, w[sigma[s + 10]], w[sigma[s + 11]])
                mix(&v2, &v7, &v8, &v13, w[sigma[s + 12]], w[sigma[s + 13]])
                mix(&v3, &v4, &v9, &v14, w[sigma[s + 14]], w[sigma[s + 15]])
            }
        }
        h.0 ^= v0 ^ v8
        h.1 ^= v1 ^ v9
        h.2 ^= v2 ^ v10
        h.3 ^= v3 ^ v11
        h.4 ^= v4 ^ v12
        h.5 ^= v5 ^ v13
        h.6 ^= v6 ^ v14
        h.7 ^= v7 ^ v15
    }
}
