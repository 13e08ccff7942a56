/// The shape of one Argon2 computation in RFC 9106's terms, with its invariants checked.
///
/// This module is compiled without overflow or bounds checks, so the kernel only ever runs on a shape
/// built here. The checks are comparisons (which `-Ounchecked` keeps), never arithmetic that could wrap.
/// StepUpCrypto validates user-facing parameters first and reports why; this is the last line.
package struct Argon2Shape: Sendable, Hashable {
    /// The RFC's type `y`: how reference blocks are chosen.
    package enum Variant: UInt32, Sendable, Hashable {
        case argon2d = 0, argon2i = 1, argon2id = 2
    }

    /// The RFC's `v`: 0x13 is RFC 9106, 0x10 the pre-RFC version some old hashes use.
    package enum Version: UInt32, Sendable, Hashable {
        case v10 = 0x10, v13 = 0x13
    }

    package let variant: Variant
    package let version: Version
    /// The RFC's `m`.
    package let memoryKiB: Int
    /// The RFC's `t`.
    package let iterations: Int
    /// The RFC's `p`.
    package let lanes: Int
    /// The RFC's `T`.
    package let tagLength: Int

    /// Nil unless 1 ≤ lanes ≤ 2^24 − 1, 8 · lanes ≤ memoryKiB ≤ 2^32 − 1, 1 ≤ iterations ≤ 2^32 − 1
    /// and 4 ≤ tagLength ≤ 2^32 − 1 (RFC 9106 §3.1).
    package init?(
        variant: Variant, version: Version, memoryKiB: Int, iterations: Int, lanes: Int, tagLength: Int
    ) {
        guard lanes >= 1, lanes <= 0xFF_FFFF,
              memoryKiB <= Int(UInt32.max), memoryKiB / 8 >= lanes,  // memoryKiB ≥ 8 · lanes, without multiplying
              iterations >= 1, iterations <= Int(UInt32.max),
              tagLength >= 4, tagLength <= Int(UInt32.max)
        else { return nil }
        self.variant = variant
        self.version = version
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.lanes = lanes
        self.tagLength = tagLength
    }
}
