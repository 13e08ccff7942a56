/// Argon2 (RFC 9106), written from the RFC: H0, the memory matrix and the tag, for a checked ``Argon2Shape``.
///
/// Lanes run in parallel on Dispatch worker threads unless a runner is given; this call blocks its thread
/// for the whole computation. The public, validating entry point is `Argon2.hash` in StepUpCrypto.
package enum Argon2Kernel {
    /// The raw tag, or nil when an input is longer than 2^32 − 1 bytes (RFC 9106 §3.1).
    /// - Parameters:
    ///   - secret: the optional key K (a pepper); empty for standard password hashes.
    ///   - associatedData: the optional X; empty for standard password hashes.
    ///   - lanes: runs the lanes of each slice; nil spreads them with `DispatchQueue.concurrentPerform`.
    package static func hash(
        password: [UInt8], salt: [UInt8], secret: [UInt8], associatedData: [UInt8], shape: Argon2Shape,
        lanes: Argon2LaneRunner? = nil
    ) -> [UInt8]? {
        let inputs = [password, salt, secret, associatedData]
        guard inputs.allSatisfy({ $0.count <= Int(UInt32.max) }) else { return nil }
        let h0 = initialHash(inputs, shape: shape)
        let instance = Argon2Instance(shape: shape)
        defer { instance.deallocate() }
        instance.initialize(h0: h0)
        instance.fill(runner: lanes)
        return instance.finalize(tagLength: shape.tagLength)
    }

    /// H0 (RFC 9106 §3.2 step 1): every input, length-prefixed, into BLAKE2b-512.
    /// `inputs` are password, salt, secret and associated data, each at most 2^32 − 1 bytes.
    static func initialHash(_ inputs: [[UInt8]], shape: Argon2Shape) -> [UInt8] {
        var h = BLAKE2b(outputLength: 64)
        h.update(le32: UInt32(truncatingIfNeeded: shape.lanes))
        h.update(le32: UInt32(truncatingIfNeeded: shape.tagLength))
        h.update(le32: UInt32(truncatingIfNeeded: shape.memoryKiB))
        h.update(le32: UInt32(truncatingIfNeeded: shape.iterations))
        h.update(le32: shape.version.rawValue)
        h.update(le32: shape.variant.rawValue)
        for field in inputs {
            h.update(le32: UInt32(truncatingIfNeeded: field.count))
            h.update(field)
        }
        return h.finalize()
    }
}

/// Runs the lanes of one slice: `body` once for every index in `0..<count`, possibly on several threads at once,
/// returning when every call has returned. Dispatch's `concurrentPerform` shares its threads with Swift's global
/// executor on Linux, so a server hands in a runner of its own (StepUpCrypto's `HashingPool`).
package typealias Argon2LaneRunner = @Sendable (_ count: Int, _ body: (Int) -> Void) -> Void
