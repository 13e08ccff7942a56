import NIOHTTP1

/// The benchmarks' load generator on any URL (`stepup bench load`): the same measurement the benchmarks make, for
/// one server an operator or engineer wants to look at alone.
public struct LoadProbe: Sendable {
    public var url: String
    public var method: String
    public var headers: [(String, String)]
    public var body: String
    public var connections: Int
    public var seconds: Double
    /// Requests per second in an open loop; nil runs a closed loop.
    public var rate: Double?
    /// Also print every request slower than 5 ms: `slow=<due ms into the run>,<latency ms>`.
    public var showSlow = false

    public init(url: String, method: String, headers: [(String, String)], body: String, connections: Int,
                seconds: Double, rate: Double?) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.connections = connections
        self.seconds = seconds
        self.rate = rate
    }

    public func run(emit: @Sendable (String) -> Void) async throws {
        let generator = LoadGenerator(url: url, headers: headers, body: body,
                                      method: method.uppercased() == "GET" ? .GET : .POST)
        let duration = Duration.milliseconds(Int64(seconds * 1_000))
        let result: LoadGenerator.Result
        if let rate {
            result = try await generator.run(rate: rate, connections: connections, duration: duration)
        } else {
            result = try await generator.run(connections: connections, duration: duration)
        }
        emit("rps=\(DecisionBenchmark.format(result.perSecond))")
        for (name, p) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p999", 0.999), ("max", 1.0)] {
            emit("\(name)_ms=\(DecisionBenchmark.format(result.percentile(p), digits: 2))")
        }
        emit("requests=\(result.requests)")
        emit("failures=\(result.failures)")
        if let why = result.firstFailure { emit("first_failure=\(why)") }
        if showSlow {
            for (due, latency) in result.slow {
                emit("slow=\(DecisionBenchmark.format(due, digits: 1)),\(DecisionBenchmark.format(latency, digits: 2))")
            }
        }
    }
}
