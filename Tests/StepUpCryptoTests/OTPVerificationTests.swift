import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCrypto

@Suite("TOTP/HOTP verification", .ownThread, .timeLimit(.minutes(5)))
struct OTPVerificationTests {
    static let secret = Array("12345678901234567890".utf8)
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func acceptsWithinWindowAndReportsDrift() throws {
        let totp = try TOTP(secret: Self.secret)
        let step = totp.step(at: Self.now)
        for offset in -1...1 {
            let code = totp.code(step: UInt64(Int64(step) + Int64(offset)))
            let match = totp.verify(code, at: Self.now, lastAcceptedStep: nil)
            #expect(match == TOTPMatch(step: UInt64(Int64(step) + Int64(offset)), drift: offset))
        }
        #expect(totp.verify(totp.code(step: step + 2), at: Self.now, lastAcceptedStep: nil) == nil)
        #expect(totp.verify(totp.code(step: step + 2), at: Self.now, lastAcceptedStep: nil, window: 2)?.drift == 2)
        // A remembered drift moves the window with the token's clock.
        #expect(totp.verify(totp.code(step: step + 3), at: Self.now, lastAcceptedStep: nil, drift: 3)?.drift == 3)
    }

    @Test func replayOfAcceptedStepIsRefused() throws {
        let totp = try TOTP(secret: Self.secret)
        let code = totp.code(at: Self.now)
        let first = try #require(totp.verify(code, at: Self.now, lastAcceptedStep: nil))
        #expect(totp.verify(code, at: Self.now, lastAcceptedStep: first.step) == nil)
        #expect(totp.verify(code, at: Self.now.addingTimeInterval(10), lastAcceptedStep: first.step) == nil)
        // An earlier step's code is also refused after a later one was accepted.
        let previous = totp.code(step: first.step - 1)
        #expect(totp.verify(previous, at: Self.now, lastAcceptedStep: first.step) == nil)
        let next = totp.code(step: first.step + 1)
        let later = Self.now.addingTimeInterval(30)
        #expect(totp.verify(next, at: later, lastAcceptedStep: first.step)?.step == first.step + 1)
    }

    @Test func normalizesAndRejectsJunk() throws {
        let totp = try TOTP(secret: Self.secret)
        let code = totp.code(at: Self.now)
        let spaced = String(code.prefix(3)) + " " + String(code.suffix(3))
        #expect(totp.verify(spaced, at: Self.now, lastAcceptedStep: nil) != nil)
        for junk in ["", "12345", "1234567", "abcdef", "１２３４５６", String(repeating: "1", count: 10_000)] {
            #expect(totp.verify(junk, at: Self.now, lastAcceptedStep: nil) == nil)
        }
        // Extreme dates never trap.
        for date in [Date.distantPast, Date.distantFuture, Date(timeIntervalSince1970: -1e300)] {
            _ = totp.verify("123456", at: date, lastAcceptedStep: UInt64.max)
        }
    }

    @Test func hotpLookAheadReturnsMatchedCounter() throws {
        let hotp = try HOTP(secret: Self.secret)
        #expect(hotp.verify("969429", counter: 0) == nil)
        #expect(hotp.verify("969429", counter: 0, lookAhead: 3) == 3)
        #expect(hotp.verify("969429", counter: 4, lookAhead: 10) == nil)
        #expect(hotp.verify("755224", counter: UInt64.max, lookAhead: 5) == nil)
    }

    /// Random secrets, times, counters, digits and algorithms against oathtool.
    @Test func matchesOathtool() throws {
        guard TestSupport.require("oathtool") else { return }
        let seed = TestSeed.seed("OTPVerificationTests.matchesOathtool")
        var rng = SeededGenerator(seed: seed)
        for index in 0..<40 {
            let algorithm = OTPAlgorithm.allCases.randomElement(using: &rng) ?? .sha1
            let secret = rng.bytes(Int.random(in: 10...64, using: &rng))
            let digits = Int.random(in: 6...8, using: &rng)
            let hex = TestSupport.hexString(secret)
            if index % 2 == 0 {
                let counter = UInt64.random(in: 0...UInt64(1) << 40, using: &rng)
                let expected = try TestSupport.run("oathtool", ["--hotp", "-d", "\(digits)", "-c", "\(counter)", hex])
                let hotp = try HOTP(secret: secret, digits: digits)  // oathtool's HOTP is SHA-1 only
                #expect(hotp.code(counter: counter) == expected.trimmingCharacters(in: .whitespacesAndNewlines),
                        "seed \(seed)")
            } else {
                let time = Int64.random(in: 0...4_000_000_000, using: &rng)
                let period = [30, 60, 15][Int.random(in: 0..<3, using: &rng)]
                let expected = try TestSupport.run("oathtool", [
                    "--totp=\(algorithm.rawValue)", "-d", "\(digits)", "-s", "\(period)s", "-N", "@\(time)", hex,
                ])
                let totp = try TOTP(secret: secret, digits: digits, algorithm: algorithm, period: period)
                let date = Date(timeIntervalSince1970: TimeInterval(time))
                #expect(totp.code(at: date) == expected.trimmingCharacters(in: .whitespacesAndNewlines),
                        "seed \(seed) \(algorithm) \(time)")
            }
        }
    }
}
