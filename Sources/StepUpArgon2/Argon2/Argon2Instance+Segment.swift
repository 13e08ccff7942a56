extension Argon2Instance {
    /// Computes one segment (RFC 9106 §3.4): `segmentLength` blocks of one lane in one slice.
    func fillSegment(pass: Int, lane: Int, slice: Int) {
        let dataIndependent = variant == .argon2i || (variant == .argon2id && pass == 0 && slice < 2)
        // scratch | address block | input block | zero block
        let work = UnsafeMutablePointer<UInt64>.allocate(capacity: 512)
        defer { work.deallocate() }
        let scratch = work, address = work + 128, input = work + 256, zero = work + 384
        if dataIndependent {
            (work + 128).initialize(repeating: 0, count: 384)
            input[0] = UInt64(pass)
            input[1] = UInt64(lane)
            input[2] = UInt64(slice)
            input[3] = UInt64(blockCount)
            input[4] = UInt64(passes)
            input[5] = UInt64(variant.rawValue)
        }
        let start = (pass == 0 && slice == 0) ? 2 : 0
        if dataIndependent && start == 2 {
            nextAddresses(address: address, input: input, zero: zero, scratch: scratch)
        }
        let xorInto = version == .v13 && pass != 0
        var current = lane &* laneLength &+ slice &* segmentLength &+ start
        var previous = current % laneLength == 0 ? current &+ laneLength &- 1 : current &- 1
        for index in start..<segmentLength {
            if current % laneLength == 1 { previous = current &- 1 }
            let pseudoRandom: UInt64
            if dataIndependent {
                if index % 128 == 0 { nextAddresses(address: address, input: input, zero: zero, scratch: scratch) }
                pseudoRandom = address[index % 128]
            } else {
                pseudoRandom = memory[previous &* 128]
            }
            let referenceLane = (pass == 0 && slice == 0) ? lane : Int((pseudoRandom >> 32) % UInt64(lanes))
            let referenceIndex = self.referenceIndex(
                pass: pass, slice: slice, index: index, j1: pseudoRandom & 0xFFFF_FFFF,
                sameLane: referenceLane == lane
            )
            Argon2Compression.compress(
                prev: memory + previous &* 128,
                ref: memory + (referenceLane &* laneLength &+ referenceIndex) &* 128,
                out: memory + current &* 128, scratch: scratch, xorInto: xorInto
            )
            current &+= 1
            previous &+= 1
        }
    }

    /// Next block of data-independent pseudo-random values: G(0, G(0, input)) after bumping the counter.
    @inline(__always)
    private func nextAddresses(
        address: UnsafeMutablePointer<UInt64>, input: UnsafeMutablePointer<UInt64>,
        zero: UnsafeMutablePointer<UInt64>, scratch: UnsafeMutablePointer<UInt64>
    ) {
        input[6] &+= 1
        Argon2Compression.compress(prev: zero, ref: input, out: address, scratch: scratch, xorInto: false)
        Argon2Compression.compress(prev: zero, ref: address, out: address, scratch: scratch, xorInto: false)
    }

    /// Maps J1 onto the reference set (RFC 9106 §3.4.1.2): a non-uniform choice biased to recent blocks.
    @inline(__always)
    private func referenceIndex(pass: Int, slice: Int, index: Int, j1: UInt64, sameLane: Bool) -> Int {
        let areaSize: Int
        if pass == 0 {
            if slice == 0 {
                areaSize = index &- 1
            } else if sameLane {
                areaSize = slice &* segmentLength &+ index &- 1
            } else {
                areaSize = slice &* segmentLength &+ (index == 0 ? -1 : 0)
            }
        } else if sameLane {
            areaSize = laneLength &- segmentLength &+ index &- 1
        } else {
            areaSize = laneLength &- segmentLength &+ (index == 0 ? -1 : 0)
        }
        let x = (j1 &* j1) >> 32
        let y = (UInt64(areaSize) &* x) >> 32
        let relative = areaSize &- 1 &- Int(y)
        let startPosition = (pass == 0 || slice == Self.syncPoints - 1) ? 0 : (slice &+ 1) &* segmentLength
        return (startPosition &+ relative) % laneLength
    }
}
