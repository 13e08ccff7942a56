import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCrypto

/// Our Argon2 against the reference C implementation (argon2-cffi's bundled libargon2 and the Debian CLI).
@Suite("Argon2 differential", .ownThread, .timeLimit(.minutes(5)))
struct Argon2DifferentialTests {
    struct Case: Codable {
        var password: String, salt: String, m: Int, t: Int, p: Int, tag: Int, type: String, version: Int
    }

    static let script = """
    import sys, json
    from argon2.low_level import hash_secret_raw, Type
    types = {"argon2d": Type.D, "argon2i": Type.I, "argon2id": Type.ID}
    out = []
    for c in json.load(sys.stdin):
        out.append(hash_secret_raw(bytes.fromhex(c["password"]), bytes.fromhex(c["salt"]), c["t"], c["m"],
                                   c["p"], c["tag"], types[c["type"]], c["version"]).hex())
    print(json.dumps(out))
    """

    static func randomCase(using rng: inout SeededGenerator) -> (Case, Argon2Parameters, [UInt8], [UInt8]) {
        let p = Int.random(in: 1...4, using: &rng)
        let m = Int.random(in: max(8, 8 * p)...1024, using: &rng)
        let t = Int.random(in: 1...4, using: &rng)
        let tag = Int.random(in: 4...64, using: &rng)
        let variant = Argon2Variant.allCases.randomElement(using: &rng) ?? .argon2id
        let version: Argon2Version = Int.random(in: 0..<8, using: &rng) == 0 ? .v10 : .v13
        let password = Array(TestSupport.randomPassword(using: &rng).utf8)
        let salt = rng.bytes(Int.random(in: 8...32, using: &rng))
        let parameters = Argon2Parameters(
            variant: variant, version: version, memoryKiB: m, iterations: t, parallelism: p, tagLength: tag
        )
        let testCase = Case(
            password: TestSupport.hexString(password), salt: TestSupport.hexString(salt), m: m, t: t, p: p,
            tag: tag, type: variant.rawValue, version: Int(version.rawValue)
        )
        return (testCase, parameters, password, salt)
    }

    @Test func randomCombinationsMatchArgon2CFFI() throws {
        guard TestSupport.require("python3", pythonModules: ["argon2"]) else { return }
        let seed = TestSeed.seed("Argon2DifferentialTests.argon2-cffi")
        var rng = SeededGenerator(seed: seed)
        let cases = (0..<220).map { _ in Self.randomCase(using: &rng) }
        let expected = try TestSupport.python(Self.script, input: cases.map(\.0), as: [String].self)
        #expect(expected.count == cases.count)
        for (index, (testCase, parameters, password, salt)) in cases.enumerated() where index < expected.count {
            let ours = try Argon2.hash(password: password, salt: salt, parameters: parameters)
            #expect(TestSupport.hexString(ours) == expected[index], "seed \(seed) case \(index): \(testCase)")
        }
    }

    @Test func randomCombinationsMatchDebianCLI() throws {
        // The CLI refuses an empty password; argon2-cffi covers that case above.
        guard TestSupport.require("argon2") else { return }
        let seed = TestSeed.seed("Argon2DifferentialTests.argon2-cli")
        var rng = SeededGenerator(seed: seed)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        for index in 0..<30 {
            var (_, parameters, _, _) = Self.randomCase(using: &rng)
            parameters.tagLength = max(parameters.tagLength, 4)
            let saltLength = Int.random(in: 8...24, using: &rng)
            let salt = String((0..<saltLength).map { _ in letters[Int.random(in: 0..<letters.count, using: &rng)] })
            let password = "pw-\(index)-ü-\(Int.random(in: 0...99999, using: &rng))"
            let flag = ["argon2d": "-d", "argon2i": "-i", "argon2id": "-id"][parameters.variant.rawValue] ?? "-id"
            let output = try TestSupport.run("argon2", [
                salt, flag, "-t", "\(parameters.iterations)", "-k", "\(parameters.memoryKiB)",
                "-p", "\(parameters.parallelism)", "-l", "\(parameters.tagLength)", "-r",
                "-v", parameters.version == .v13 ? "13" : "10",
            ], input: Array(password.utf8))
            let ours = try Argon2.hash(password: Array(password.utf8), salt: Array(salt.utf8), parameters: parameters)
            #expect(TestSupport.hexString(ours) == output.trimmingCharacters(in: .whitespacesAndNewlines),
                    "seed \(seed) case \(index)")
        }
    }
}
