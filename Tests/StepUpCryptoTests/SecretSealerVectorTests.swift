import Crypto
import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCrypto

/// Fixed vectors for the sealed-secret envelope (`0x01 | id length | id | nonce | ciphertext | tag`, AES-256-GCM
/// over the header and `user:<len>:<owner>|factor:<len>:<factor>`), pinned and re-derived by Python's
/// `cryptography` AESGCM from the documented format alone.
@Suite("Sealed secrets: fixed vectors", .ownThread, .timeLimit(.minutes(5)))
struct SecretSealerVectorTests {
    struct Vector: Codable {
        var keyID: String, key: String, nonce: String, plaintext: String, owner: String, factor: String
        var envelope: String
    }

    static let vectors = [
        Vector(keyID: "k1", key: String(repeating: "01", count: 32), nonce: "000102030405060708090a0b",
               plaintext: TestSupport.hexString(Array("12345678901234567890".utf8)), owner: "user-1", factor: "totp-1",
               envelope: "01026b31000102030405060708090a0b8a94a61215c83141c75ad6f6135dfd9599fe523a421688d63bbf9e0f"
                   + "bf3fe24803152f98"),
        // Empty plaintext, a longer key id, a non-ASCII owner (its length counts UTF-8 bytes) and a ':' in the id.
        Vector(keyID: "2026-11", key: TestSupport.hexString(Array(0...31)), nonce: String(repeating: "ff", count: 12),
               plaintext: "", owner: "ålice", factor: "f:1",
               envelope: "0107323032362d3131ffffffffffffffffffffffff2c6df268586024eb34825e332a1e206e"),
    ]

    static func sealer(_ vector: Vector) throws -> SecretSealer {
        let entry = vector.keyID + ":" + Base64.encode(TestSupport.hex(vector.key), padded: true)
        return SecretSealer(keyring: try SecretKeyring(parsing: entry))
    }

    @Test(arguments: vectors)
    func knownKeyNonceAndPlaintextGiveKnownBytes(_ vector: Vector) throws {
        let sealer = try Self.sealer(vector)
        let context = SealContext(owner: vector.owner, factor: vector.factor)
        let nonce = try AES.GCM.Nonce(data: TestSupport.hex(vector.nonce))
        let envelope = try sealer.seal(TestSupport.hex(vector.plaintext), context: context, nonce: nonce)
        #expect(TestSupport.hexString(envelope) == vector.envelope)
        let opened = try sealer.open(TestSupport.hex(vector.envelope), context: context)
        #expect(opened == TestSupport.hex(vector.plaintext))
    }

    @Test func pythonCryptographyDerivesTheSameEnvelopes() throws {
        guard TestSupport.require("python3", pythonModules: ["cryptography"]) else { return }
        let script = """
        import sys, json
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        out = []
        for v in json.load(sys.stdin):
            kid, owner, factor = v["keyID"].encode(), v["owner"].encode(), v["factor"].encode()
            header = bytes([1, len(kid)]) + kid
            aad = header + b"user:%d:%s|factor:%d:%s" % (len(owner), owner, len(factor), factor)
            nonce = bytes.fromhex(v["nonce"])
            sealed = header + nonce + AESGCM(bytes.fromhex(v["key"])).encrypt(nonce, bytes.fromhex(v["plaintext"]), aad)
            env = bytes.fromhex(v["envelope"])
            opened = AESGCM(bytes.fromhex(v["key"])).decrypt(env[len(header):len(header) + 12],
                                                             env[len(header) + 12:], aad)
            out.append([sealed.hex(), opened.hex()])
        print(json.dumps(out))
        """
        let results = try TestSupport.python(script, input: Self.vectors, as: [[String]].self)
        #expect(results.count == Self.vectors.count)
        for (vector, result) in zip(Self.vectors, results) {
            #expect(result == [vector.envelope, vector.plaintext], "\(vector.keyID)")
        }
    }
}
