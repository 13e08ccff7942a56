import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCrypto

@Suite("Recovery codes", .ownThread, .timeLimit(.minutes(5)))
struct RecoveryCodesTests {
    @Test func generatesTenGroupedCodesWithAtLeast50Bits() {
        var rng = SeededGenerator(seed: TestSeed.seed("RecoveryCodesTests.generates", fallback: 1))
        let codes = RecoveryCodes.generate(using: &rng)
        #expect(codes.count == 10)  // README: "sets of 10 codes"
        #expect(Set(codes).count == codes.count)
        #expect(RecoveryCodes.bitsPerCode >= 50)
        for code in codes {
            let groups = code.split(separator: "-")
            #expect(groups.count == 3 && groups.allSatisfy { $0.count == 4 })
            #expect(code.utf8.allSatisfy { $0 == UInt8(ascii: "-") || RecoveryCodes.alphabet.contains($0) })
        }
        #expect(RecoveryCodes.generate(count: 3, using: &rng).count == 10)
        #expect(RecoveryCodes.generate(count: 16).count == 16)
        // Bits per code follow from the alphabet: 32 symbols, 12 of them.
        #expect(RecoveryCodes.alphabet.count == 32 && RecoveryCodes.groups * RecoveryCodes.groupLength == 12)
    }

    @Test func allSymbolsAppearRoughlyUniformly() {
        var rng = SeededGenerator(seed: TestSeed.seed("RecoveryCodesTests.uniform", fallback: 2))
        var counts: [UInt8: Int] = [:]
        for code in RecoveryCodes.generate(count: 2000, using: &rng) {
            for byte in code.utf8 where byte != UInt8(ascii: "-") { counts[byte, default: 0] += 1 }
        }
        #expect(counts.count == 32)
        #expect(counts.values.allSatisfy { (600...900).contains($0) })  // expected 750 each
    }

    @Test func normalizesWhatPeopleType() {
        #expect(RecoveryCodes.normalize("abcd-efgh-jkmn") == "ABCDEFGHJKMN")
        #expect(RecoveryCodes.normalize(" ABCD EFGH JKMN ") == "ABCDEFGHJKMN")
        #expect(RecoveryCodes.normalize("oOiI-lL00-1111") == "00111100" + "1111")
        let bad = [
            "", "ABCD-EFGH", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKMU", "ÄBCD-EFGH-JKMN", String(repeating: "A", count: 100),
        ]
        for bad in bad {
            #expect(RecoveryCodes.normalize(bad) == nil)
        }
    }

    /// Each code matches its own hash and no other (single use itself is the store's job: see
    /// `RecoveryCodeTests` in the server tests and the store conformance suite).
    @Test func hashedCodesMatchOnlyTheirOwnHash() throws {
        var rng = SeededGenerator(seed: TestSeed.seed("RecoveryCodesTests.hashed", fallback: 3))
        let codes = RecoveryCodes.generate(using: &rng)
        var unused = try codes.map { try RecoveryCodes.hash($0, using: &rng) }
        #expect(unused.allSatisfy { $0.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$") })
        #expect(!unused.contains { $0.contains(codes[0].replacingOccurrences(of: "-", with: "")) })
        let typed = codes[4].lowercased().replacingOccurrences(of: "-", with: " ")
        let index = try #require(RecoveryCodes.match(typed, against: unused))
        #expect(index == 4)
        unused.remove(at: index)
        #expect(RecoveryCodes.match(typed, against: unused) == nil, "no other code's hash matches it")
        #expect(RecoveryCodes.match("ZZZZ-ZZZZ-ZZZZ", against: unused) == nil)
        let unreadable = ["garbage", "$argon2id$v=19$m=9999999,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAA"]
        #expect(RecoveryCodes.match(codes[5], against: unreadable) == nil)
    }
}

@Suite("Recovery codes on the hashing pool", .timeLimit(.minutes(5)))
struct RecoveryCodesPoolTests {
    @Test func hashAndMatchThroughPasswordHasher() async throws {
        let hasher = PasswordHasher(pool: PasswordHasherTests.pool)
        let codes = RecoveryCodes.generate()
        let stored = try await hasher.hashRecoveryCodes(codes)
        #expect(stored.count == codes.count)
        #expect(try await hasher.matchRecoveryCode(codes[9], against: stored) == 9)
        #expect(try await hasher.matchRecoveryCode("0000-0000-0000", against: stored) == nil)
    }
}
