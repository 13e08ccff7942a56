import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpCrypto
import StepUpStore
import Testing
@testable import StepUpServer

/// "A stored hash weaker than the current setting is re-hashed at the next successful sign-in" and "imported
/// hashes verify, and are replaced by Argon2id at the next sign-in" — through `POST /v1/sessions`.
@Suite("Password hash upgrades", .timeLimit(.minutes(5)))
struct PasswordUpgradeTests {
    static let password = "imported horse battery"

    /// Pinned passlib-format strings for ``password`` (made with Python `bcrypt` 4 and `passlib` 1.7:
    /// `bcrypt.hashpw(pw, gensalt(rounds=4))`, `pbkdf2_sha256.using(rounds=1000).hash(pw)`, the same for sha512).
    static let imported = [
        "$2b$04$8KbhDbfd63kwmpB6zWLZC.mTXdjJjO9Nr.Ifubsuc9yRMPbnMNTNS",
        "$pbkdf2-sha256$1000$/58zZqz1Psf4X6uVsra2dg$oun7lbJsFMSQ6ouAXIJJabnQN67rcWQG8/t41G2PcFE",
        "$pbkdf2-sha512$1000$zfmf8z7HGON8LyUEYGztPQ$qqrh7nm18HpkVZJVygXr4W8P3cI7I/KjKJuf3JFGtM09XtqXAVXdij.28igYyRmj7hGz1EYYy1ss61jHfvOxoQ",
    ]

    /// Weaker Argon2 hashes of ``password``: fewer KiB, fewer passes, and the argon2i variant.
    static func weakerArgon2() async throws -> [String] {
        let pool = HashingPool(threads: 1)
        var hashes: [String] = []
        for parameters in [Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1),
                           Argon2Parameters(memoryKiB: 256, iterations: 1, parallelism: 1, saltLength: 8),
                           Argon2Parameters(variant: .argon2i, memoryKiB: 256, iterations: 1, parallelism: 1)] {
            hashes.append(try await PasswordHasher(parameters: parameters, pool: pool).hash(Self.password))
        }
        return hashes
    }

    /// Stores `legacy` as alice's hash, then: a wrong password keeps it; the right one signs in and replaces it by
    /// an Argon2id hash with the harness's parameters that still verifies; the next sign-in does not rehash again.
    func checkUpgrade(of legacy: String) async throws {
        let harness = try TestHarness()
        let (alice, _) = try await harness.aliceWithTOTP(password: Self.password)
        let credentials = harness.store.stores.credentials
        try await credentials.setPasswordHash(userID: alice.id, legacy)
        try await harness.application().test(.router) { client in
            let wrong = try await client.json(.post, "/v1/sessions",
                                              body: ["username": "alice", "password": "not the password"])
            #expect(wrong.status == .unauthorized)
            #expect(try await credentials.passwordHash(userID: alice.id) == legacy, "a failure changes nothing")

            _ = try await client.login("alice", Self.password)
            let upgraded = try #require(try await credentials.passwordHash(userID: alice.id))
            #expect(upgraded != legacy, "\(legacy) was not replaced")
            #expect(upgraded.hasPrefix("$argon2id$v=19$m=256,t=1,p=1$"), "\(upgraded)")
            let current = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 256, iterations: 1, parallelism: 1),
                                         pool: HashingPool(threads: 1))
            let check = try await current.verify(Self.password, against: upgraded)
            #expect(check.isMatch && !check.needsRehash)

            _ = try await client.login("alice", Self.password)
            #expect(try await credentials.passwordHash(userID: alice.id) == upgraded, "a current hash stays")
        }
    }

    @Test func weakerArgon2HashesAreReplacedAtTheNextSignIn() async throws {
        let hashes = try await Self.weakerArgon2()
        #expect(hashes[0].hasPrefix("$argon2id$v=19$m=64,t=1,p=1$"))
        #expect(hashes[2].hasPrefix("$argon2i$"))
        for legacy in hashes { try await checkUpgrade(of: legacy) }
    }

    @Test(arguments: imported)
    func importedHashesAreReplacedByArgon2idAtTheNextSignIn(legacy: String) async throws {
        try await checkUpgrade(of: legacy)
    }
}
