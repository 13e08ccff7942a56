import StepUpTestSupport
import Testing
@testable import StepUpCrypto

@Suite("PHC strings", .timeLimit(.minutes(5)))
struct PHCStringTests {
    static let valid = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"

    @Test func parsesAndReencodes() throws {
        let phc = try PHCString(parsing: Self.valid)
        #expect(phc.parameters.variant == .argon2id)
        #expect(phc.parameters.version == .v13)
        #expect(phc.parameters.memoryKiB == 65536)
        #expect(phc.parameters.iterations == 3)
        #expect(phc.parameters.parallelism == 4)
        #expect(phc.salt == Array("somesalt".utf8))
        #expect(phc.hash.count == 24)
        #expect(phc.description == Self.valid)
    }

    @Test func missingVersionMeansV10() throws {
        let phc = try PHCString(parsing: "$argon2i$m=32,t=1,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA")
        #expect(phc.parameters.version == .v10)
        // Written back with the version spelled out, as the reference `argon2` CLI writes v1.0 hashes.
        #expect(phc.description == "$argon2i$v=16$m=32,t=1,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA")
        #expect(try PHCString(parsing: phc.description) == phc)
    }

    @Test(arguments: [
        "", "$", "$$$$$", "argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$AAAAAAAA",
        "$argon2x$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=18$m=65536,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$t=3,m=65536,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=4,x=1$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=-1,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=+64,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=0064,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=99999999999999999999999,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=4$c29t!!!hbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$A",
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ",
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA$extra",
        "$argon2id$v=19$m=65536,t=0,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=0$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=8,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$AAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$AAAA",
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$" + String(repeating: "A", count: 2000),
        "$argon2id$v=19$m=６５５３６,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAA",
    ])
    func malformedIsATypedError(_ text: String) {
        #expect(throws: PasswordHashError.self) { try PHCString(parsing: text) }
    }

    @Test(arguments: [
        "$argon2id$v=19$m=4294967295,t=3,p=4$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=4294967295,p=4$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=16777215$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=4$" + String(repeating: "A", count: 200) + "$AAAAAAAAAAAAAAAAAAAAAA",
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$" + String(repeating: "A", count: 400),
    ])
    func oversizedParametersAreRefused(_ text: String) {
        #expect(throws: PasswordHashError.limitExceeded("")) { try PHCString(parsing: text) }
    }

    @Test func limitsAreConfigurable() throws {
        let strict = Argon2Limits(maxMemoryKiB: 1024)
        #expect(throws: PasswordHashError.limitExceeded("")) { try PHCString(parsing: Self.valid, limits: strict) }
        #expect(throws: Never.self) { try PHCString(parsing: Self.valid, limits: Argon2Limits()) }
    }

    @Test func base64RoundTripsAllLengths() {
        var rng = SeededGenerator(seed: TestSeed.seed("PHCStringTests.base64", fallback: 3))
        for length in 0..<70 {
            let bytes = rng.bytes(length)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, padded: true)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, alphabet: Base64.adapted), alphabet: Base64.adapted) == bytes)
        }
    }
}
