import Foundation

/// Deterministic, seedable generator (SplitMix64) so failing random cases can be replayed from the seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

extension TestSupport {
    /// Runs a Python script that reads one JSON value on stdin and prints one JSON value.
    static func python<In: Encodable, Out: Decodable>(_ script: String, input: In, as: Out.Type) throws -> Out {
        let data = try JSONEncoder().encode(input)
        let output = try run("python3", ["-c", script], input: Array(data))
        return try JSONDecoder().decode(Out.self, from: Data(output.utf8))
    }

    /// A password of each awkward kind: empty, ASCII, non-ASCII, long (≥ 1 KiB) or random bytes-as-UTF-8.
    static func randomPassword(using rng: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return ""
        case 1: return "pässwörd-🔑-パスワード-\(Int.random(in: 0..<1000, using: &rng))"
        case 2: return String(repeating: "long password ", count: Int.random(in: 74...120, using: &rng))
        default:
            let scalars = (0..<Int.random(in: 1...40, using: &rng)).compactMap { _ in
                Unicode.Scalar(UInt32.random(in: 0x20...0x24FF, using: &rng))
            }
            return String(String.UnicodeScalarView(scalars))
        }
    }
}
