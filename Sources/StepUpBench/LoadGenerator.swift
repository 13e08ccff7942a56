import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// An HTTP load generator with two models.
///
/// Closed loop (``run(connections:duration:)``): `connections` workers, each sending its next request when the
/// previous answer arrived — it finds the peak rate, but a slow answer also delays the requests behind it, so its
/// latencies understate what users see at a given rate.
///
/// Open loop (``run(rate:connections:duration:)``): requests are due at fixed times, `rate` per second, whatever the
/// answers do, and each latency is counted from the time the request was due (no coordinated omission, as in wrk2).
///
/// Latencies are kept exactly (sorted once at the end).
struct LoadGenerator: Sendable {
    struct Result: Sendable {
        var requests: Int
        var failures: Int
        var seconds: Double
        var latencies: [Double]
        /// What the first failed request got (a status or an error), to say why a run failed.
        var firstFailure: String? = nil

        var perSecond: Double { Double(requests) / seconds }
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)
            return latencies[max(0, index)]
        }
    }

    /// What one worker saw.
    private struct Tally: Sendable {
        var failures = 0
        var firstFailure: String?
        var latencies: [Double] = []
    }

    let url: String
    let headers: [(String, String)]
    let body: String
    /// POST sends `body`; GET sends none.
    var method: HTTPMethod = .POST

    /// Closed loop: each of `connections` workers sends, waits for the answer, and sends again until `duration` ends.
    func run(connections: Int, duration: Duration) async throws -> Result {
        try await measure(connections: connections) { client, clock, started, _ in
            let deadline = started.advanced(by: duration)
            var tally = Tally()
            while clock.now < deadline {
                await send(with: client, due: clock.now, clock: clock, into: &tally)
            }
            return tally
        }
    }

    /// Open loop: `rate` requests per second for `duration`, request `i` due at `i / rate` seconds, spread round-robin
    /// over `connections` workers (one connection each). A worker whose previous answer is late sends at once, and
    /// the lateness counts in the next latency. Requests still unsent long after `duration` count as failures.
    func run(rate: Double, connections: Int, duration: Duration) async throws -> Result {
        let total = max(1, Int(rate * duration.seconds))
        let interval = Duration.seconds(1 / rate)
        return try await measure(connections: connections) { client, clock, started, worker in
            let giveUp = started.advanced(by: duration + max(duration, .seconds(5)))
            var tally = Tally()
            for slot in stride(from: worker, to: total, by: connections) {
                guard clock.now < giveUp else {
                    tally.failures += 1
                    continue
                }
                let due = started.advanced(by: interval * slot)
                try? await Task.sleep(until: due, tolerance: .zero, clock: clock)
                await send(with: client, due: due, clock: clock, into: &tally)
            }
            return tally
        }
    }

    /// Runs `worker` `connections` times concurrently over one client and merges what they saw.
    private func measure(
        connections: Int,
        worker: @escaping @Sendable (HTTPClient, ContinuousClock, ContinuousClock.Instant, Int) async -> Tally
    ) async throws -> Result {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let clock = ContinuousClock()
        let started = clock.now
        let tallies = await withTaskGroup(of: Tally.self) { group in
            for index in 0..<connections {
                group.addTask { await worker(client, clock, started, index) }
            }
            var all: [Tally] = []
            for await tally in group { all.append(tally) }
            return all
        }
        let elapsed = started.duration(to: clock.now)
        try await client.shutdown()
        return Result(requests: tallies.map(\.latencies.count).reduce(0, +),
                      failures: tallies.map(\.failures).reduce(0, +), seconds: elapsed.seconds,
                      latencies: tallies.flatMap(\.latencies).sorted(),
                      firstFailure: tallies.lazy.compactMap(\.firstFailure).first)
    }

    /// Sends one request and records its latency from `due`; anything but 200 OK is a failure.
    private func send(with client: HTTPClient, due: ContinuousClock.Instant, clock: ContinuousClock,
                      into tally: inout Tally) async {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if method == .POST { request.body = .bytes(ByteBuffer(string: body)) }
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            if response.status != .ok {
                tally.failures += 1
                tally.firstFailure = tally.firstFailure ?? "HTTP \(response.status.code)"
            }
        } catch {
            tally.failures += 1
            tally.firstFailure = tally.firstFailure ?? "\(error)"
        }
        tally.latencies.append(due.duration(to: clock.now).seconds * 1_000)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
