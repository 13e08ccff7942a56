import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCrypto

/// PHC strings as fixed vectors: argon2-cffi's `hash_secret` output for a known password and salt, which our hasher
/// must reproduce byte for byte; and our strings read back by argon2-cffi's own parser and verifier.
@Suite("PHC strings: fixed vectors and argon2-cffi's parser", .ownThread, .timeLimit(.minutes(5)))
struct PHCVectorTests {
    struct Vector: Codable, Sendable {
        var password: String, salt: String, phc: String
    }

    /// `argon2.low_level.hash_secret(password, salt, time_cost, memory_cost, parallelism, hash_len, type, version)`.
    static let vectors = [
        Vector(password: "password", salt: "somesalt",
               phc: "$argon2id$v=19$m=1024,t=2,p=2$c29tZXNhbHQ$kEfNQbPvk6Q7hokW6Jrvn1Mjb9kdT/I7OXVDKsviazk"),
        Vector(password: "", salt: "saltsaltsaltsalt",
               phc: "$argon2id$v=19$m=256,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$sRQwRnL7DiEF2+Fyf+dzMA"),
        Vector(password: "pässwörd 🔑", salt: "0123456789abcdef",
               phc: "$argon2i$v=19$m=64,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$6XN20wGrb7RkuyYvjFngIzThLKs9ICpX"),
        Vector(password: "hunter2", salt: "12345678",
               phc: "$argon2d$v=19$m=128,t=1,p=4$MTIzNDU2Nzg$U0Ti8yITTlS6kit4CEZPfRt9lNYQPJcbKvsy6w3bfsjU3M2P0A2"
                   + "ihz7u9wD2ww5ghQl4aeEVrr3NZ0eMHCrgVg"),
        // Argon2 v1.0 (`version=16`; the reference `argon2` CLI's `-v 10` writes the same string).
        Vector(password: "pw", salt: "somesalt",
               phc: "$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$KoP+L6RVhdful6CfLPkCDC5Eb0QPbnHP0c4tCYAz7bk"),
    ]

    @Test(arguments: vectors)
    func ourHasherReproducesTheVector(_ vector: Vector) async throws {
        let parsed = try PHCString(parsing: vector.phc)
        #expect(parsed.salt == Array(vector.salt.utf8))
        #expect(parsed.description == vector.phc)
        let hasher = PasswordHasher(parameters: parsed.parameters, pool: PasswordHasherTests.pool)
        #expect(try await hasher.hash(vector.password, salt: Array(vector.salt.utf8)) == vector.phc)
        #expect(try await hasher.verify(vector.password, against: vector.phc).isMatch)
    }

    @Test func argon2CFFIReadsOurStrings() async throws {
        guard TestSupport.require("python3", pythonModules: ["argon2"]) else { return }
        struct Made: Codable { var password: String, phc: String, m: Int, t: Int, p: Int, type: String, v: Int,
                               saltLength: Int, tagLength: Int }
        var made: [Made] = []
        for (index, (variant, version)) in [(Argon2Variant.argon2id, Argon2Version.v13), (.argon2i, .v13),
                                            (.argon2d, .v13), (.argon2id, .v10)].enumerated() {
            let parameters = Argon2Parameters(variant: variant, version: version, memoryKiB: 64 * (index + 1),
                                              iterations: index + 1, parallelism: index % 2 + 1,
                                              saltLength: 8 + 4 * index, tagLength: 16 + 8 * index)
            let hasher = PasswordHasher(parameters: parameters, pool: PasswordHasherTests.pool)
            let password = "pw-\(index)-ü"
            made.append(Made(password: password, phc: try await hasher.hash(password), m: parameters.memoryKiB,
                             t: parameters.iterations, p: parameters.parallelism, type: variant.rawValue,
                             v: Int(version.rawValue), saltLength: parameters.saltLength,
                             tagLength: parameters.tagLength))
        }
        let script = """
        import sys, json, argon2
        out = []
        for c in json.load(sys.stdin):
            p = argon2.extract_parameters(c["phc"])
            try: ok = argon2.PasswordHasher().verify(c["phc"], c["password"])
            except argon2.exceptions.VerificationError: ok = False
            out.append([str(x) for x in (p.memory_cost, p.time_cost, p.parallelism, "argon2" + p.type.name.lower(),
                                         p.version, p.salt_len, p.hash_len, ok)])
        print(json.dumps(out))
        """
        let rows = try TestSupport.python(script, input: made, as: [[String]].self)
        #expect(rows.count == made.count)
        for (ours, row) in zip(made, rows) {
            let expected = ["\(ours.m)", "\(ours.t)", "\(ours.p)", ours.type, "\(ours.v)", "\(ours.saltLength)",
                            "\(ours.tagLength)", "True"]
            #expect(row == expected, "\(ours.phc)")
        }
    }
}
