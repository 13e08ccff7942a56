import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A closed-loop HTTP load generator: `connections` workers, each sending its next request when the previous
/// answer arrived, for `duration`. Latencies are kept exactly (sorted once at the end).
struct LoadGenerator: Sendable {
    struct Result: Sendable {
        var requests: Int
        var failures: Int
        var seconds: Double
        var latencies: [Double]

        var perSecond: Double { Double(requests) / seconds }
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)
            return latencies[max(0, index)]
        }
    }

    let url: String
    let headers: [(String, String)]
    let body: String

    func run(connections: Int, duration: Duration) async throws -> Result {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = started.advanced(by: duration)
        let perWorker = try await withThrowingTaskGroup(of: (Int, Int, [Double]).self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var latencies: [Double] = []
                    var failures = 0
                    while clock.now < deadline {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        for (name, value) in headers { request.headers.add(name: name, value: value) }
                        request.body = .bytes(ByteBuffer(string: body))
                        let sent = clock.now
                        do {
                            let response = try await client.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status != .ok { failures += 1 }
                        } catch {
                            failures += 1
                        }
                        let elapsed = sent.duration(to: clock.now)
                        latencies.append(Double(elapsed.components.seconds) * 1_000
                                         + Double(elapsed.components.attoseconds) / 1e15)
                    }
                    return (latencies.count, failures, latencies)
                }
            }
            var all: [(Int, Int, [Double])] = []
            for try await worker in group { all.append(worker) }
            return all
        }
        let elapsed = started.duration(to: clock.now)
        try await client.shutdown()
        return Result(requests: perWorker.map(\.0).reduce(0, +), failures: perWorker.map(\.1).reduce(0, +),
                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                      latencies: perWorker.flatMap(\.2).sorted())
    }
}
