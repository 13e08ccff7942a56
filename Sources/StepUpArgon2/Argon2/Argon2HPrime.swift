/// The variable-length hash H' (RFC 9106 §3.3), built from BLAKE2b-512.
enum Argon2HPrime {
    static func hash(_ input: [UInt8], outputLength: Int) -> [UInt8] {
        let tau = UInt32(truncatingIfNeeded: outputLength)
        if outputLength <= 64 {
            var h = BLAKE2b(outputLength: outputLength)
            h.update(le32: tau)
            h.update(input)
            return h.finalize()
        }
        let r = (outputLength + 31) / 32 - 2
        var output = [UInt8]()
        output.reserveCapacity(outputLength)
        var h = BLAKE2b(outputLength: 64)
        h.update(le32: tau)
        h.update(input)
        var v = h.finalize()
        output.append(contentsOf: v.prefix(32))
        if r >= 2 {
            for _ in 2...r {
                v = BLAKE2b.hash(v, outputLength: 64)
                output.append(contentsOf: v.prefix(32))
            }
        }
        output.append(contentsOf: BLAKE2b.hash(v, outputLength: outputLength - 32 * r))
        return output
    }
}
