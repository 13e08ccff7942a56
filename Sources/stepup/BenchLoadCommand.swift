import ArgumentParser
import Foundation
import StepUpBench

/// `stepup bench load`: the benchmarks' load generator against one URL, printing rate and latency percentiles.
struct BenchLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Drive one http:// URL with the benchmarks' load generator (closed loop, or open with --rate).",
        shouldDisplay: false)

    @Argument(help: "The URL (http://host:port/path).") var url: String
    @Option(help: "GET or POST.") var method: String = "GET"
    @Option(name: .customShort("H"), help: "A header, 'Name: value' (repeatable).") var header: [String] = []
    @Option(help: "The body of each POST.") var body: String = ""
    @Option(help: "Connections.") var connections: Int = 32
    @Option(help: "Seconds to run.") var seconds: Double = 5
    @Option(help: "Requests per second in an open loop (latency from each request's due time).") var rate: Double?
    @Flag(help: "Also print each request slower than 5 ms: slow=<due ms into the run>,<latency ms>.")
    var showSlow = false

    func validate() throws {
        guard ["GET", "POST"].contains(method.uppercased()) else { throw ValidationError("--method is GET or POST") }
        guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be 1…10000") }
        guard seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be above 0") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be above 0") }
        for line in header where !line.contains(":") { throw ValidationError("-H takes 'Name: value', not '\(line)'") }
    }

    func run() async throws {
        ignoreBrokenPipes()
        let headers = header.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        var probe = LoadProbe(url: url, method: method, headers: headers, body: body, connections: connections,
                              seconds: seconds, rate: rate)
        probe.showSlow = showSlow
        try await probe.run { emit($0) }
    }
}
