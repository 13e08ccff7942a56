/// BLAKE2b (RFC 7693): the hash Argon2 is built on, written from the RFC.
///
/// Incremental use:
/// ```swift
/// var h = BLAKE2b(outputLength: 32)
/// h.update([0x61, 0x62, 0x63])
/// let digest = h.finalize()
/// ```
public struct BLAKE2b: Sendable {
    static let iv: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
        0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
        0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179
    )

    var h: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// Bytes compressed so far (the RFC's `t`, 128 bits wide).
    var countLow: UInt64 = 0
    var countHigh: UInt64 = 0
    /// Pending input: the last block is only compressed at `finalize`, with the final flag set.
    var buffer = [UInt8](repeating: 0, count: 128)
    var bufferCount = 0
    public let outputLength: Int

    /// Creates a hasher. `outputLength` must be 1...64 and `key` at most 64 bytes; out-of-range values
    /// are clamped so that hostile input can never trap (callers validate lengths first).
    public init(outputLength: Int = 64, key: [UInt8] = []) {
        let nn = min(max(outputLength, 1), 64)
        let key = key.count > 64 ? Array(key.prefix(64)) : key
        self.outputLength = nn
        h = Self.iv
        h.0 ^= 0x0101_0000 ^ (UInt64(key.count) << 8) ^ UInt64(nn)
        if !key.isEmpty {
            var block = key
            block.append(contentsOf: [UInt8](repeating: 0, count: 128 - key.count))
            update(block)
        }
    }

    /// Absorbs more input.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        while remaining > 0 {
            if bufferCount == 128 {
                addCount(128)
                buffer.withUnsafeBytes { compress($0.baseAddress!, isLast: false) }
                bufferCount = 0
            }
            let take = min(128 - bufferCount, remaining)
            buffer.withUnsafeMutableBytes { dst in
                (dst.baseAddress! + bufferCount).copyMemory(from: pointer, byteCount: take)
            }
            bufferCount += take
            pointer += take
            remaining -= take
        }
    }

    /// Absorbs more input.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    /// Absorbs a 32-bit little-endian integer (Argon2 uses these to frame every input).
    mutating func update(le32 value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { update($0) }
    }

    /// Finishes the hash and returns `outputLength` bytes.
    public mutating func finalize() -> [UInt8] {
        addCount(UInt64(bufferCount))
        for i in bufferCount..<128 { buffer[i] = 0 }
        buffer.withUnsafeBytes { compress($0.baseAddress!, isLast: true) }
        var out = [UInt8](repeating: 0, count: 64)
        withUnsafeBytes(of: h) { state in
            out.withUnsafeMutableBytes { dst in
                for i in 0..<8 {
                    let word = state.load(fromByteOffset: i * 8, as: UInt64.self).littleEndian
                    dst.storeBytes(of: word, toByteOffset: i * 8, as: UInt64.self)
                }
            }
        }
        return Array(out.prefix(outputLength))
    }

    /// One-shot convenience.
    public static func hash(_ bytes: some Sequence<UInt8>, outputLength: Int = 64, key: [UInt8] = []) -> [UInt8] {
        var hasher = BLAKE2b(outputLength: outputLength, key: key)
        hasher.update(bytes)
        return hasher.finalize()
    }

    private mutating func addCount(_ n: UInt64) {
        let (sum, overflow) = countLow.addingReportingOverflow(n)
        countLow = sum
        if overflow { countHigh &+= 1 }
    }
}
