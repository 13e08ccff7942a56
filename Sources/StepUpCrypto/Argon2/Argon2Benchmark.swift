/// Timing helpers behind `stepup bench argon2`.
public enum Argon2Benchmark {
    /// The benchmark's fixed inputs: RFC 9106's second recommendation with p = 1 or 4 lanes.
    public static func parameters(parallelism: Int) -> Argon2Parameters {
        Argon2Parameters(memoryKiB: 65536, iterations: 3, parallelism: parallelism, tagLength: 32)
    }

    public static let password = Array("password".utf8)
    public static let salt = Array("somesalt".utf8)

    /// Runs `body` `runs` times and returns each wall-clock duration in milliseconds.
    public static func measure(runs: Int, _ body: () throws -> Void) rethrows -> [Double] {
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<max(1, runs) {
            let elapsed = try clock.measure(body)
            times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        return times
    }

    /// Median of `values` (mean of the middle two for an even count); 0 when empty.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Our tag for the benchmark inputs, to check the reference computed the same thing.
    public static func ourTag(parallelism: Int) throws -> [UInt8] {
        try Argon2.hash(password: password, salt: salt, parameters: parameters(parallelism: parallelism))
    }
}
