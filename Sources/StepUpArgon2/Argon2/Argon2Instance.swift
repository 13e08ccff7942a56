import Dispatch

/// The memory matrix of one Argon2 computation: `parallelism` lanes of `laneLength` 1 KiB blocks.
///
/// `@unchecked Sendable` because lanes write disjoint segments concurrently; the slice barrier
/// (``fill()``) is what makes reading other lanes' earlier slices safe, exactly as RFC 9106 §3.4 requires.
final class Argon2Instance: @unchecked Sendable {
    static let syncPoints = 4
    let memory: UnsafeMutablePointer<UInt64>
    private let storage: Argon2Memory
    let lanes: Int
    let laneLength: Int
    let segmentLength: Int
    let blockCount: Int
    let passes: Int
    let variant: Argon2Shape.Variant
    let version: Argon2Shape.Version

    /// Sizes follow from `shape`'s checked ranges: at most 2^32 − 1 KiB, so no product below can wrap.
    init(shape: Argon2Shape) {
        lanes = shape.lanes
        segmentLength = shape.memoryKiB / (4 * lanes)
        laneLength = segmentLength * Self.syncPoints
        blockCount = laneLength * lanes
        passes = shape.iterations
        variant = shape.variant
        version = shape.version
        // Never read before written: pass 0 fills every block in order before any reference to it.
        storage = Argon2Memory(wordCount: blockCount * 128)
        memory = storage.words
    }

    func deallocate() { storage.release() }

    /// RFC 9106 §3.2 steps 3–4: the first two blocks of every lane from H0.
    func initialize(h0: [UInt8]) {
        for lane in 0..<lanes {
            for column in 0..<2 {
                var input = h0
                withUnsafeBytes(of: UInt32(column).littleEndian) { input.append(contentsOf: $0) }
                withUnsafeBytes(of: UInt32(lane).littleEndian) { input.append(contentsOf: $0) }
                let block = Argon2HPrime.hash(input, outputLength: 1024)
                let words = memory + (lane * laneLength + column) * 128
                block.withUnsafeBytes { raw in
                    for i in 0..<128 {
                        words[i] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                    }
                }
            }
        }
    }

    /// All passes; the lanes of each slice run in parallel (through `runner`, or Dispatch's `concurrentPerform`
    /// when nil), with a barrier between slices. A runner sees every slice, of a one-lane hash too: the hashing
    /// pool counts finished slices as progress.
    func fill(runner: Argon2LaneRunner?) {
        let probed = LaneProbe.isWatchingCurrentThread()
        for pass in 0..<passes {
            for slice in 0..<Self.syncPoints {
                if lanes == 1, runner == nil {
                    fillSegment(pass: pass, lane: 0, slice: slice)
                    continue
                }
                let segment = { @Sendable (lane: Int) in
                    if probed { LaneProbe.note() }
                    self.fillSegment(pass: pass, lane: lane, slice: slice)
                }
                if let runner {
                    runner(lanes, segment)
                } else {
                    DispatchQueue.concurrentPerform(iterations: lanes, execute: segment)
                }
            }
        }
    }

    /// RFC 9106 §3.2 steps 7–8: XOR of the last column, through H'.
    func finalize(tagLength: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 1024)
        bytes.withUnsafeMutableBytes { raw in
            for i in 0..<128 {
                var word: UInt64 = 0
                for lane in 0..<lanes { word ^= memory[(lane * laneLength + laneLength - 1) * 128 + i] }
                raw.storeBytes(of: word.littleEndian, toByteOffset: i * 8, as: UInt64.self)
            }
        }
        return Argon2HPrime.hash(bytes, outputLength: tagLength)
    }
}
