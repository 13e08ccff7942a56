import Foundation
import StepUpArgon2
import Testing
@testable import StepUpCrypto

/// A finished hash's block matrix is kept mapped for the next hash of its size (no mmap, page faults and munmap per
/// sign-in on the idle-priority hashing threads), never leaks one hash into another, and goes back to the kernel
/// once unused.
@Suite("Argon2 memory reserve")
struct Argon2MemoryReserveTests {
    /// 2,600 KiB with one lane: a size no other test hashes with, over the 2 MiB from which matrices are mapped.
    static let parameters = Argon2Parameters(memoryKiB: 2600, iterations: 1, parallelism: 1)
    static let byteCount = 2600 * 1024
    static let salt = [UInt8](repeating: 9, count: 16)

    static func hash(_ password: String) throws -> [UInt8] {
        try Argon2.hash(password: Array(password.utf8), salt: salt, parameters: parameters)
    }

    #if os(Linux)
    @Test func aReusedMatrixGivesTheSameTagsAndTrimGivesItBack() throws {
        let first = try Self.hash("first password")
        #expect(Argon2MemoryReserve.kept(byteCount: Self.byteCount) == 1)
        // The second hash runs on the first one's matrix, full of the first password's blocks.
        let second = try Self.hash("second password")
        #expect(Argon2MemoryReserve.kept(byteCount: Self.byteCount) == 1, "reused, not mapped again")
        #expect(second != first)
        #expect(try Self.hash("first password") == first)
        // The same tags as a matrix never used before (the reserve emptied first).
        Argon2MemoryReserve.trim(unusedFor: .zero, byteCount: Self.byteCount)
        #expect(Argon2MemoryReserve.kept(byteCount: Self.byteCount) == 0)
        #expect(try Self.hash("second password") == second)

        #expect(Argon2MemoryReserve.trim(unusedFor: .seconds(3600), byteCount: Self.byteCount) == 0, "recently used: kept")
        #expect(Argon2MemoryReserve.kept(byteCount: Self.byteCount) == 1)
        Argon2MemoryReserve.trim(unusedFor: .zero, byteCount: Self.byteCount)
        #expect(Argon2MemoryReserve.kept(byteCount: Self.byteCount) == 0)
    }

    /// The pool gives kept matrices back by itself once hashing pauses, from its normal-priority completion thread.
    @Test(.timeLimit(.minutes(5))) func anIdlePoolGivesItsMatricesBack() async throws {
        // Normal priority: an idle-priority thread on a loaded CI machine waits a minute for a core.
        let pool = HashingPool(threads: 1, priority: .normal)
        let parameters = Argon2Parameters(memoryKiB: 2604, iterations: 1, parallelism: 1)
        _ = try await pool.run {
            try Argon2.hash(password: Array("pw".utf8), salt: Self.salt, parameters: parameters)
        }
        while Argon2MemoryReserve.kept(byteCount: 2604 * 1024) > 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        // Kept for the next hash first: given back only once unused for the pool's keeping time (measured where
        // it is given back, so a loaded machine that resumes this test late cannot make it look early).
        let unused = try #require(Argon2MemoryReserve.lastTrimmedUnused(byteCount: 2604 * 1024))
        #expect(unused >= HashingPool.keepMemoryFor, "given back after \(unused)")
    }
    #endif
}
