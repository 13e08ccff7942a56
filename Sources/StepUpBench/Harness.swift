import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// What every phase of ``DecisionBenchmark`` works with: the server under test and its credentials, the bare
/// reference, the `fsync` counter (if `perf` works here) and where the `name=value` lines go.
struct Harness: Sendable {
    let server: Server
    let bare: BarePeer
    let metricsToken: String
    let fsyncs: FsyncCounter?
    let emit: @Sendable (String) -> Void
    /// A signed-in session's bearer token and the JSON content type.
    let headers: [(String, String)]

    func decisions(_ action: String, at base: String) -> LoadGenerator {
        LoadGenerator(url: base + "/v1/decisions", headers: headers, body: #"{"action":"\#(action)"}"#)
    }

    /// One closed-loop case against the bare handler and then the server, with the server's storage work per
    /// decision. Returns the server's requests per second.
    func closedLoop(_ name: String, action: String, connections: Int, seconds: Double) async throws -> Double {
        let reference = try await decisions(action, at: bare.base)
            .run(connections: connections, duration: .seconds(seconds))
        let counting = try? await fsyncs?.start()
        let before = try await ServerMetrics.scrape(base: server.base, token: metricsToken)
        let measured = try await decisions(action, at: server.base)
            .run(connections: connections, duration: .seconds(seconds))
        let after = try await ServerMetrics.scrape(base: server.base, token: metricsToken)
        let syscalls = counting?.stop()
        let prefix = "\(name)_c\(connections)"
        emit("\(prefix)_bare_rps=\(format(reference.perSecond))")
        emitLatency(prefix, measured)
        emit("\(prefix)_ratio=\(format(measured.perSecond / max(reference.perSecond, 1), digits: 3))")
        let decisions = Double(max(1, measured.requests))
        let trips = (reads: after.roundTrips.reads - before.roundTrips.reads,
                     writes: after.roundTrips.writes - before.roundTrips.writes)
        emit("\(prefix)_round_trips_per_decision=\(format(Double(trips.reads + trips.writes) / decisions, digits: 2))")
        // Units of work the store ran as writes (`stepup_store_round_trips{access="write"}`). Each was its own
        // transaction before group commit; it is not a count of fsyncs (those are the next two lines).
        emit("\(prefix)_write_transactions_per_decision=\(format(Double(trips.writes) / decisions, digits: 2))")
        let commits = after.commits.flatMap { end in before.commits.map { end - $0 } }
        emit("\(prefix)_commits_per_decision=\(perDecision(commits, decisions))")
        let fsyncs = syscalls.map(Double.init) ?? derivedFsyncs(commits, after)
        emit("\(prefix)_fsyncs_per_decision=\(perDecision(fsyncs, decisions))")
        return measured.perSecond
    }

    /// `fsync`s implied by the store's metrics: with `synchronous=FULL` (or `EXTRA`) SQLite syncs the WAL at every
    /// commit; with `NORMAL` only checkpoints sync, which the metrics do not count (so 0 is a floor). `nil` when the
    /// server does not export commits or its mode.
    private func derivedFsyncs(_ commits: Double?, _ metrics: ServerMetrics) -> Double? {
        guard let commits, let mode = metrics.synchronousMode else { return nil }
        return mode == "full" || mode == "extra" ? commits : 0
    }

    /// Open loop at `rate` per second, latency from each request's due time. With `reference`, the bare handler
    /// first, at the same rate over as many connections: the latency this machine adds to any server at that rate,
    /// to read the server's p99 against.
    @discardableResult
    func openLoop(_ prefix: String, rate: Double, seconds: Double, reference: Bool = false) async throws
        -> LoadGenerator.Result
    {
        let rate = max(rate, 1)  // a peak of 0 (every request failed) still gets a measurable run
        let connections = Self.connections(forRate: rate)
        let bareRun = reference ? try await decisions(DecisionBenchmark.allowAction, at: bare.base)
            .run(rate: rate, connections: connections, duration: .seconds(seconds)) : nil
        let before = try? await ServerMetrics.scrape(base: server.base, token: metricsToken)
        let measured = try await decisions(DecisionBenchmark.allowAction, at: server.base)
            .run(rate: rate, connections: connections, duration: .seconds(seconds))
        let after = try? await ServerMetrics.scrape(base: server.base, token: metricsToken)
        emit("\(prefix)_connections=\(connections)")
        // Below the peak fewer units share a commit: each decision carries more of a transaction's cost.
        let commits = after?.commits.flatMap { end in before?.commits.map { end - $0 } }
        emit("\(prefix)_commits_per_decision=\(perDecision(commits, Double(max(1, measured.requests))))")
        if let bareRun {
            emit("\(prefix)_bare_p50_ms=\(format(bareRun.percentile(0.5), digits: 2))")
            emit("\(prefix)_bare_p99_ms=\(format(bareRun.percentile(0.99), digits: 2))")
        }
        emitLatency(prefix, measured)
        return measured
    }

    /// Enough connections that each has a quarter of a second between its requests: a rate the server sustains
    /// never waits for a free connection, and one it does not shows up as latency, not as a lower rate.
    static func connections(forRate rate: Double) -> Int {
        min(256, max(16, Int((rate / 4).rounded(.up))))
    }

    /// Decisions while 50 sign-ins at a time keep the Argon2 pool saturated: 32 connections in a closed loop (the
    /// rate the server manages), then an open loop at `rate` (the latency a storm adds at a rate the server
    /// sustains), how many sign-ins completed meanwhile, and how many hashes the pool's catch-up thread took up
    /// (above zero: the idle-priority hashing threads stalled, and the catch-up thread competed with decisions).
    func loginStorm(rate: Double, seconds: Double) async throws {
        let base = server.base
        let caughtUpBefore = try await ServerMetrics.scrape(base: base, token: metricsToken).hashesCaughtUp
        // The sign-ins get a client and an event loop of their own, apart from the load generator's.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 50)
        let stormLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let stormClient = HTTPClient(eventLoopGroup: stormLoop, configuration: configuration)
        let storm = Task {
            var signIns = 0
            while !Task.isCancelled {
                signIns += await withTaskGroup(of: Int.self) { group in
                    for _ in 0..<50 {
                        group.addTask {
                            (try? await DecisionBenchmark.signIn(base: base, client: stormClient)) == nil ? 0 : 1
                        }
                    }
                    return await group.reduce(0, +)
                }
            }
            return signIns
        }
        let clock = ContinuousClock()
        let started = clock.now
        let during = try await decisions(DecisionBenchmark.allowAction, at: base)
            .run(connections: 32, duration: .seconds(seconds))
        emit("login_storm_c32_rps=\(format(during.perSecond))")
        emit("login_storm_c32_p99_ms=\(format(during.percentile(0.99), digits: 2))")
        try await openLoop("login_storm_half_peak", rate: rate, seconds: seconds)
        let elapsed = started.duration(to: clock.now).seconds
        storm.cancel()
        let completed = Double(await storm.value) / elapsed
        try await stormClient.shutdown()
        try await stormLoop.shutdownGracefully()
        emit("login_storm_sign_ins_per_s=\(format(completed))")
        let caughtUpAfter = try await ServerMetrics.scrape(base: base, token: metricsToken).hashesCaughtUp
        emit("login_storm_hashes_caught_up=\(format(caughtUpAfter - caughtUpBefore))")
    }

    func emitLatency(_ prefix: String, _ result: LoadGenerator.Result) {
        emit("\(prefix)_rps=\(format(result.perSecond))")
        emit("\(prefix)_p50_ms=\(format(result.percentile(0.5), digits: 2))")
        emit("\(prefix)_p99_ms=\(format(result.percentile(0.99), digits: 2))")
        emit("\(prefix)_failures=\(result.failures)")
    }

    func format(_ value: Double, digits: Int = 1) -> String { DecisionBenchmark.format(value, digits: digits) }

    func perDecision(_ total: Double?, _ decisions: Double) -> String {
        total.map { format($0 / decisions, digits: 2) } ?? "n/a"
    }
}
