import StepUpTestSupport
import Testing
@testable import StepUpCrypto

@Suite("BLAKE2b (RFC 7693)", .ownThread, .timeLimit(.minutes(5)))
struct BLAKE2bTests {
    /// RFC 7693 Appendix A: BLAKE2b-512("abc").
    @Test func rfc7693AppendixA() {
        let expected = """
            ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1
            7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923
            """
        #expect(BLAKE2b.hash(Array("abc".utf8)) == TestSupport.hex(expected))
    }

    /// Empty input, unkeyed, 512-bit (the reference implementation's KAT, first entry).
    @Test func emptyInput() {
        let expected = """
            786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419
            d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce
            """
        #expect(BLAKE2b.hash([UInt8]()) == TestSupport.hex(expected))
    }

    /// Random lengths (across block boundaries), output sizes and keys against Python's hashlib.blake2b.
    @Test func matchesHashlib() throws {
        guard TestSupport.require("python3") else { return }
        struct Case: Codable { var data: String, key: String, size: Int }
        let seed = TestSeed.seed("BLAKE2bTests.matchesHashlib")
        var rng = SeededGenerator(seed: seed)
        var cases: [Case] = []
        for length in [0, 1, 63, 64, 127, 128, 129, 255, 256, 257, 1000, 4096] + (0..<40).map({ _ in
            Int.random(in: 0...600, using: &rng)
        }) {
            let key = Bool.random(using: &rng) ? rng.bytes(Int.random(in: 1...64, using: &rng)) : []
            cases.append(Case(data: TestSupport.hexString(rng.bytes(length)), key: TestSupport.hexString(key),
                              size: Int.random(in: 1...64, using: &rng)))
        }
        let script = """
        import sys, json, hashlib
        print(json.dumps([hashlib.blake2b(bytes.fromhex(c["data"]), key=bytes.fromhex(c["key"]),
                                          digest_size=c["size"]).hexdigest() for c in json.load(sys.stdin)]))
        """
        let expected = try TestSupport.python(script, input: cases, as: [String].self)
        for (testCase, digest) in zip(cases, expected) {
            let ours = BLAKE2b.hash(TestSupport.hex(testCase.data), outputLength: testCase.size,
                                    key: TestSupport.hex(testCase.key))
            #expect(TestSupport.hexString(ours) == digest, "seed \(seed): \(testCase)")
        }
    }

    @Test func incrementalEqualsOneShot() {
        var rng = SeededGenerator(seed: TestSeed.seed("BLAKE2bTests.incremental", fallback: 7))
        let data = rng.bytes(1000)
        var hasher = BLAKE2b(outputLength: 48)
        var index = 0
        while index < data.count {
            let step = Int.random(in: 1...200, using: &rng)
            hasher.update(data[index..<min(index + step, data.count)])
            index += step
        }
        #expect(hasher.finalize() == BLAKE2b.hash(data, outputLength: 48))
    }
}
