import Foundation
import Crypto
import Testing
@testable import StepUpCrypto

@Suite("Sealed secrets", .timeLimit(.minutes(5)))
struct SecretSealerTests {
    static let k1 = "k1:" + Base64.encode([UInt8](repeating: 1, count: 32), padded: true)
    static let k2 = "k2:" + Base64.encode([UInt8](repeating: 2, count: 32), padded: true)
    static let context = SealContext(owner: "user-1", factor: "totp-1")
    static let secret = Array("12345678901234567890".utf8)

    @Test func sealsAndOpens() throws {
        let sealer = SecretSealer(keyring: try SecretKeyring(parsing: Self.k1))
        let envelope = try sealer.seal(Self.secret, context: Self.context)
        #expect(envelope[0] == 1 && envelope[1] == 2 && Array(envelope[2..<4]) == Array("k1".utf8))
        #expect(envelope.count == 4 + 12 + Self.secret.count + 16)
        #expect(try sealer.open(envelope, context: Self.context) == Self.secret)
        #expect(try sealer.seal(Self.secret, context: Self.context) != envelope)  // fresh nonce
    }

    @Test func rotationNewestSealsEveryKeyOpens() throws {
        let old = SecretSealer(keyring: try SecretKeyring(parsing: Self.k1))
        let sealedWithOld = try old.seal(Self.secret, context: Self.context)
        let rotated = SecretSealer(keyring: try SecretKeyring(parsing: "\(Self.k2), \(Self.k1)"))
        #expect(try rotated.open(sealedWithOld, context: Self.context) == Self.secret)
        #expect(rotated.needsReseal(sealedWithOld))
        let sealedWithNew = try rotated.seal(Self.secret, context: Self.context)
        #expect(try SecretSealer.keyID(of: sealedWithNew) == "k2")
        #expect(!rotated.needsReseal(sealedWithNew))
        #expect(throws: SealError.unknownKeyID("k2")) { try old.open(sealedWithNew, context: Self.context) }
    }

    @Test func tamperingAndWrongContextFail() throws {
        let sealer = SecretSealer(keyring: try SecretKeyring(parsing: Self.k1))
        let envelope = try sealer.seal(Self.secret, context: Self.context)
        for index in 4..<envelope.count {
            var tampered = envelope
            tampered[index] ^= 0x01
            #expect(throws: SealError.authenticationFailed) { try sealer.open(tampered, context: Self.context) }
        }
        for other in [SealContext(owner: "user-2", factor: "totp-1"), SealContext(owner: "user-1", factor: "totp-2"),
                      SealContext(owner: "user-1|factor:1", factor: "totp-1")] {
            #expect(throws: SealError.authenticationFailed) { try sealer.open(envelope, context: other) }
        }
        // Same key under another id: the authenticated header catches the swap.
        let sameKey = "k9:" + Base64.encode([UInt8](repeating: 1, count: 32), padded: true)
        let relabeled = [1, 2] + Array("k9".utf8) + envelope[4...]
        let other = SecretSealer(keyring: try SecretKeyring(parsing: sameKey))
        #expect(throws: SealError.authenticationFailed) { try other.open(relabeled, context: Self.context) }
    }

    @Test func malformedEnvelopesFail() throws {
        let sealer = SecretSealer(keyring: try SecretKeyring(parsing: Self.k1))
        let bad: [[UInt8]] = [
            [], [1], [2, 2, 107, 49], [1, 0], [1, 5, 107], [1, 2, 107, 49, 0, 0],
            [1, 2, 0xFF, 0xFE] + [UInt8](repeating: 0, count: 40),
        ]
        for bad in bad {
            #expect(throws: SealError.self) { try sealer.open(bad, context: Self.context) }
        }
    }

    @Test(arguments: ["", "k1", "k1:", "k1:AAAA", "bad id:" + Base64.encode([UInt8](repeating: 1, count: 32)),
                      "\(SecretSealerTests.k1),\(SecretSealerTests.k1)"])
    func badKeyringsAreRefused(_ config: String) {
        #expect(throws: SealError.self) { try SecretKeyring(parsing: config) }
    }

    @Test func generatedEntriesParse() throws {
        let ring = try SecretKeyring(parsing: SecretKeyring.generateEntry(id: "2026-11"))
        #expect(ring.currentKeyID == "2026-11")
    }
}
