import Foundation
import Testing
@testable import StepUpCrypto

@Suite("PasswordHasher", .timeLimit(.minutes(5)))
struct PasswordHasherTests {
    static let light = Argon2Parameters(memoryKiB: 1024, iterations: 2, parallelism: 2)
    static let pool = HashingPool(threads: 2)

    static func hasher(_ parameters: Argon2Parameters = light) -> PasswordHasher {
        PasswordHasher(parameters: parameters, pool: pool)
    }

    @Test func defaultsFollowRFC9106SecondRecommendation() {
        let defaults = Argon2Parameters()
        #expect(defaults.variant == .argon2id && defaults.version == .v13)
        #expect(defaults.memoryKiB == 65536 && defaults.iterations == 3 && defaults.parallelism == 4)
        #expect(defaults.saltLength == 16 && defaults.tagLength == 32)
    }

    @Test(arguments: [
        "", "correct horse battery staple", "pässwörd 🔑 パスワード", String(repeating: "x", count: 1500),
    ])
    func hashThenVerify(password: String) async throws {
        let hasher = Self.hasher()
        let stored = try await hasher.hash(password)
        #expect(stored.hasPrefix("$argon2id$v=19$m=1024,t=2,p=2$"))
        let good = try await hasher.verify(password, against: stored)
        #expect(good == PasswordVerification(isMatch: true, needsRehash: false, scheme: .argon2id))
        let bad = try await hasher.verify(password + "x", against: stored)
        #expect(!bad.isMatch)
    }

    @Test func freshSaltEveryTime() async throws {
        let hasher = Self.hasher()
        let first = try await hasher.hash("same")
        let second = try await hasher.hash("same")
        #expect(first != second)
    }

    @Test func needsRehashWhenWeakerThanCurrent() async throws {
        let weak = try await Self.hasher(Argon2Parameters(memoryKiB: 512, iterations: 1, parallelism: 1)).hash("pw")
        let result = try await Self.hasher().verify("pw", against: weak)
        #expect(result.isMatch && result.needsRehash)
        let argon2i = try await Self.hasher(Argon2Parameters(variant: .argon2i, memoryKiB: 1024, iterations: 2))
            .hash("pw")
        #expect(try await Self.hasher().verify("pw", against: argon2i).needsRehash)
        let stronger = try await Self.hasher(Argon2Parameters(memoryKiB: 2048, iterations: 3, parallelism: 1))
            .hash("pw")
        #expect(try await Self.hasher().verify("pw", against: stronger).needsRehash == false)
    }

    @Test func malformedAndHostileHashesThrowTypedErrors() async {
        let hasher = Self.hasher()
        for stored in ["", "nonsense", "$argon2id$v=19$m=4294967295,t=1,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
                       "$5$rounds=5000$salt$hash", "$2b$99$abcdefghijklmnopqrstuu0123456789012345678901234567890"] {
            await #expect(throws: PasswordHashError.self) { try await hasher.verify("pw", against: stored) }
        }
    }

    @Test func unknownUserCostsARealVerification() async throws {
        // Same work, shown without a stopwatch: the decoy an unknown user is checked against is an Argon2id hash
        // with exactly the parameters of a real stored hash (timing on a shared CI machine proves nothing).
        let parameters = Argon2Parameters(memoryKiB: 8192, iterations: 3, parallelism: 2)
        let hasher = Self.hasher(parameters)
        let stored = try PHCString(parsing: try await hasher.hash("pw"), limits: Argon2Limits())
        #expect(hasher.decoyParameters == stored.parameters)
        #expect(hasher.decoyParameters.memoryKiB == 8192 && hasher.decoyParameters.iterations == 3)
        try await hasher.verifyUnknownUser("guess")   // runs, and never matches anything
    }

    @Test func lanesRunInParallel() throws {
        // Every lane segment of every slice is handed to Dispatch's concurrentPerform, which spreads them over
        // the free cores (no stopwatch). Which threads actually ran them depends on what else the machine does:
        // with every worker busy (a whole test suite on two cores) the caller may rightly run them all, so
        // the thread count is reported, and the hand-off is what is asserted.
        let salt = [UInt8](repeating: 1, count: 16)
        let fourLanes = Argon2Parameters(memoryKiB: 16384, iterations: 2, parallelism: 4)
        let observed = try LaneProbe.observe {
            _ = try Argon2.hash(password: [], salt: salt, parameters: fourLanes)
        }
        #expect(observed.dispatched == 2 * 4 * 4, "2 passes × 4 slices × 4 lanes handed out in parallel")
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        print("lanesRunInParallel: 4 lanes ran on \(observed.threads) thread(s) on \(cpus) CPU(s)")
        let oneLane = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)
        let single = try LaneProbe.observe {
            _ = try Argon2.hash(password: [], salt: salt, parameters: oneLane)
        }
        #expect(single.dispatched == 0 && single.threads == 0, "p = 1 runs inline, without dispatching")
    }
}
