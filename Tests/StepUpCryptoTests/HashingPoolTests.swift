import Dispatch
import Foundation
import Testing
@testable import StepUpCrypto

@Suite("HashingPool", .timeLimit(.minutes(5)))
struct HashingPoolTests {
    @Test func refusesWhenItsQueueIsFull() async throws {
        try await Self.withFullPool { pool in
            await #expect(throws: PasswordHashError.overloaded("")) { try await pool.run { 2 } }
        }
    }

    /// An overloaded pool reaches the caller as that error on every path, never as a mismatch, so the
    /// server can say "try again later" instead of "wrong password" (and not count a failed sign-in).
    @Test func overloadIsThrownNeverReportedAsAMismatch() async throws {
        let parameters = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)
        let stored = try await PasswordHasher(parameters: parameters, pool: HashingPool(threads: 1)).hash("pw")
        let codes = RecoveryCodes.generate()
        try await Self.withFullPool { pool in
            let hasher = PasswordHasher(parameters: parameters, pool: pool)
            let paths: [(String, @Sendable () async throws -> Void)] = [
                ("verify, right password", { _ = try await hasher.verify("pw", against: stored) }),
                ("verify, wrong password", { _ = try await hasher.verify("wrong", against: stored) }),
                ("verifyUnknownUser", { try await hasher.verifyUnknownUser("pw") }),
                ("hashRecoveryCodes", { _ = try await hasher.hashRecoveryCodes(codes) }),
                ("matchRecoveryCode", { _ = try await hasher.matchRecoveryCode(codes[0], against: [stored]) }),
            ]
            for (path, call) in paths {
                let error = await #expect(throws: PasswordHashError.self, "\(path)") { try await call() }
                #expect(error?.isOverloaded == true, "\(path): \(String(describing: error))")
            }
        }
    }

    /// The pool's threads run the lanes of a hash (not Dispatch's, which Swift's async tasks use on Linux); the tag
    /// is the one Dispatch's lanes give, with idle threads helping and without.
    @Test func lanesOnThePoolThreadsGiveTheSameTag() async throws {
        let parameters = Argon2Parameters(memoryKiB: 2048, iterations: 2, parallelism: 4)
        let salt = [UInt8](repeating: 7, count: 16)
        let expected = try Argon2.hash(password: Array("pw".utf8), salt: salt, parameters: parameters)
        for threads in [1, 2, 3] {
            let pool = HashingPool(threads: threads)
            let lanes = pool.lanes
            let tags = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await pool.run {
                            try Argon2.hash(password: Array("pw".utf8), salt: salt, parameters: parameters, lanes: lanes)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(tags.allSatisfy { $0 == expected }, "\(threads) thread(s)")
        }
    }

    #if os(Linux)
    /// Hashing gets the CPU only when nothing else wants it: a sign-in storm must not delay decisions.
    @Test func threadsRunAtIdlePriority() async throws {
        let policy = try await HashingPool(threads: 1).run { sched_getscheduler(0) }
        #expect(policy == 5, "SCHED_IDLE")
        let normal = try await HashingPool(threads: 1, priority: .normal).run { sched_getscheduler(0) }
        #expect(normal == 0, "SCHED_OTHER")
    }
    #endif

    /// Runs `body` while a one-thread pool's thread is blocked and its single queue slot is taken, then
    /// releases both and checks they finish. No sleeps: a semaphore holds the thread until `body` is done.
    static func withFullPool(_ body: (HashingPool) async throws -> Void) async throws {
        let pool = HashingPool(threads: 1, maxQueued: 1)
        let gate = DispatchSemaphore(value: 0)
        var blocker: Task<Void, any Error>?
        // Resumed from the pool's thread, so the blocker is running (out of the queue) when this returns.
        await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
            blocker = Task { try await pool.run { started.resume(); gate.wait() } }
        }
        let queued = Task { try await pool.run { 1 } }
        var failure: (any Error)?
        do {
            for _ in 0..<1_000_000 where pool.waitingJobs < 1 { await Task.yield() }
            try #require(pool.waitingJobs == 1, "the queued job never reached the queue")
            try await body(pool)
        } catch {
            failure = error
        }
        gate.signal()  // on every path: a failed check must not leave the pool's thread blocked
        try await blocker?.value
        #expect(try await queued.value == 1, "the queued job still runs once the thread is free")
        if let failure { throw failure }
    }
}
