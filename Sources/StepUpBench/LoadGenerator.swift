import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 load generator with two models, light enough not to be what it measures.
///
/// Closed loop (``run(connections:duration:)``): `connections` workers, each sending its next request when the
/// previous answer arrived — it finds the peak rate, but a slow answer also delays the requests behind it, so its
/// latencies understate what users see at a given rate.
///
/// Open loop (``run(rate:connections:duration:)``): requests are due at fixed times, `rate` per second, whatever the
/// answers do, and each latency is counted from the time the request was due (no coordinated omission, as in wrk2).
///
/// Like `wrk`, it runs on one thread of its own (a NIO event loop) and sends bytes prepared once, over kept-alive
/// connections (each opened, and its first answer received, before the clock starts), reading each answer only as
/// far as its status and length: the bench machine has two cores, and a
/// generator that costs as much per request as the server would halve what the server gets and time its own
/// scheduling instead of the server's answers. Open-loop requests are sent from event-loop timers, which fire on
/// time to within tens of microseconds. Latencies are kept exactly (sorted once at the end).
struct LoadGenerator: Sendable {
    struct Result: Sendable {
        var requests: Int
        var failures: Int
        var seconds: Double
        var latencies: [Double]
        /// What the first failed request got (a status or an error), to say why a run failed.
        var firstFailure: String? = nil
        /// Requests slower than ``LoadRun/slowMilliseconds``: when each was due (ms into the run) and its latency
        /// (ms), in the order they were answered, at most ``LoadRun/slowKept`` — to see whether stalls come at a
        /// rhythm (a checkpoint, a timer) or at random.
        var slow: [(due: Double, latency: Double)] = []

        var perSecond: Double { Double(requests) / seconds }
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)
            return latencies[max(0, index)]
        }
    }

    struct InvalidTarget: Error, CustomStringConvertible {
        var description: String
    }

    let url: String
    let headers: [(String, String)]
    let body: String
    /// POST sends `body`; GET sends none.
    var method: HTTPMethod = .POST

    /// Closed loop: each of `connections` workers sends, waits for the answer, and sends again until `duration` ends.
    func run(connections: Int, duration: Duration) async throws -> Result {
        try await drive(connections: connections, plan: .closed(duration.nanoseconds))
    }

    /// Open loop: `rate` requests per second for `duration`, request `i` due at `i / rate` seconds, spread round-robin
    /// over `connections` workers (one connection each). A worker whose previous answer is late sends at once, and
    /// the lateness counts in the next latency. Requests still unsent long after `duration` count as failures.
    func run(rate: Double, connections: Int, duration: Duration) async throws -> Result {
        let total = max(1, Int(rate * duration.seconds))
        let giveUp = duration + max(duration, .seconds(5))
        return try await drive(connections: connections,
                               plan: .open(total: total, interval: 1e9 / max(rate, 0.001), giveUp: giveUp.nanoseconds))
    }

    private func drive(connections: Int, plan: LoadRun.Plan) async throws -> Result {
        let target = try Target(url: url, method: method, headers: headers, body: body)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await loop.flatSubmit {
                LoadRun(loop: loop, target: target, connections: max(1, connections), plan: plan).start()
            }.get())
        } catch {
            result = .failure(error)
        }
        try await group.shutdownGracefully()
        return try result.get()
    }

    /// Where requests go and the exact bytes of one, prepared once.
    struct Target: Sendable {
        var host: String
        var port: Int
        var request: ByteBuffer

        init(url: String, method: HTTPMethod, headers: [(String, String)], body: String) throws {
            guard let components = URLComponents(string: url), components.scheme == "http",
                  let host = components.host, let port = components.port
            else { throw InvalidTarget(description: "the load generator needs http://host:port/path, not \(url)") }
            self.host = host
            self.port = port
            let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
                + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
            var text = "\(method.rawValue) \(path) HTTP/1.1\r\n"
            if !headers.contains(where: { $0.0.lowercased() == "host" }) { text += "Host: \(host):\(port)\r\n" }
            for (name, value) in headers { text += "\(name): \(value)\r\n" }
            if method == .POST { text += "Content-Length: \(body.utf8.count)\r\n" }
            text += "\r\n"
            if method == .POST { text += body }
            request = ByteBuffer(string: text)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

/// One run of the generator: its connections and their tallies, all on one event loop.
final class LoadRun {
    enum Plan: Sendable {
        /// Until this many nanoseconds have passed.
        case closed(Int64)
        /// `total` requests, one every `interval` nanoseconds; whatever is unsent after `giveUp` nanoseconds fails.
        case open(total: Int, interval: Double, giveUp: Int64)
    }

    let loop: any EventLoop
    let target: LoadGenerator.Target
    let plan: Plan
    var workers: [LoadWorker] = []
    var started = NIODeadline.now()
    var latencies: [Double] = []
    var failures = 0
    var firstFailure: String?
    var finished = 0
    var waitingToConnect = 0
    /// Every first connection is up and requests are being sent.
    var running = false
    var promise: EventLoopPromise<LoadGenerator.Result>?

    init(loop: any EventLoop, target: LoadGenerator.Target, connections: Int, plan: Plan) {
        self.loop = loop
        self.target = target
        self.plan = plan
        workers = (0..<connections).map { LoadWorker(run: self, index: $0, connections: connections) }
        latencies.reserveCapacity(1 << 16)
    }

    func start() -> EventLoopFuture<LoadGenerator.Result> {
        let promise = loop.makePromise(of: LoadGenerator.Result.self)
        self.promise = promise
        waitingToConnect = workers.count
        for worker in workers { worker.begin() }
        return promise.futureResult
    }

    /// A worker's first connection is up (or failed): once every one is, the clock starts. Connecting 256 sockets
    /// takes a while, and requests due meanwhile would time the connecting, not the server.
    func workerConnected() {
        waitingToConnect -= 1
        guard waitingToConnect == 0 else { return }
        started = .now()
        running = true
        if case .open(_, _, let giveUp) = plan {
            loop.assumeIsolated().scheduleTask(deadline: started + .nanoseconds(giveUp)) { [self] in
                for worker in workers { worker.giveUp() }
            }
        }
        for worker in workers { worker.next() }
    }

    static let slowMilliseconds = 5.0
    static let slowKept = 10_000
    var slow: [(due: Double, latency: Double)] = []

    func record(due: NIODeadline, failure: String?) {
        let latency = Double((NIODeadline.now() - due).nanoseconds) / 1e6
        latencies.append(latency)
        if latency > Self.slowMilliseconds, slow.count < Self.slowKept {
            slow.append((Double((due - started).nanoseconds) / 1e6, latency))
        }
        if let failure {
            failures += 1
            if firstFailure == nil { firstFailure = failure }
        }
    }

    func fail(unsent count: Int, because why: String) {
        failures += count
        if firstFailure == nil { firstFailure = why }
    }

    func workerFinished() {
        finished += 1
        guard finished == workers.count, let promise else { return }
        self.promise = nil
        let seconds = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        latencies.sort()
        promise.succeed(.init(requests: latencies.count, failures: failures, seconds: seconds, latencies: latencies,
                              firstFailure: firstFailure, slow: slow))
        workers = []
    }
}

/// One connection of a run, sending one request at a time.
final class LoadWorker {
    /// Strong: the run lives as long as its workers do (it drops them when the last one finishes).
    let run: LoadRun
    let index: Int
    let connections: Int
    var channel: (any Channel)?
    var connecting = false
    /// The due time of the request on the wire.
    var inFlight: NIODeadline?
    /// Open loop: the next slot this worker owns.
    var slot: Int
    var timer: Scheduled<Void>?
    var parser = HTTPResponseScanner()
    var done = false
    /// Whether this worker has told the run its first connection is settled.
    var announced = false
    /// The unmeasured first request is on the wire.
    var warming = false

    init(run: LoadRun, index: Int, connections: Int) {
        self.run = run
        self.index = index
        self.connections = connections
        slot = index
    }

    func begin() {
        connect()
    }

    private func connect() {
        guard !done else { return }
        connecting = true
        parser = HTTPResponseScanner()
        let bound = NIOLoopBound(self, eventLoop: run.loop)
        ClientBootstrap(group: run.loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LoadHandler(worker: bound.value))
                }
            }
            .connect(host: run.target.host, port: run.target.port)
            .assumeIsolated()
            .whenComplete { [self] result in
                connecting = false
                switch result {
                case .success(let channel):
                    if done {
                        channel.close(promise: nil)
                    } else {
                        self.channel = channel
                        if !announced {
                            // One request before the clock starts: the server sets a connection up when its first
                            // request comes, and 256 of them at once would be what the first latencies measure.
                            warming = true
                            send(due: .now())
                            return
                        }
                        next()
                    }
                case .failure(let error):
                    // Nothing listens: count what this worker would have sent and stop, or the run would spin.
                    finish(failingRest: "\(error)")
                }
                announce()
            }
    }

    /// Tells the run, once, that this worker is ready (or has given up).
    private func announce() {
        guard !announced else { return }
        announced = true
        run.workerConnected()
    }

    /// Sends the next request if one is due, or waits for it.
    func next() {
        guard run.running, !done, inFlight == nil, channel != nil else { return }
        switch run.plan {
        case .closed(let length):
            let now = NIODeadline.now()
            guard now < run.started + .nanoseconds(length) else { return finish() }
            send(due: now)
        case .open(let total, let interval, _):
            guard slot < total else { return finish() }
            let due = run.started + .nanoseconds(Int64(Double(slot) * interval))
            if due <= .now() {
                slot += connections
                send(due: due)
            } else if timer == nil {
                timer = run.loop.assumeIsolated().scheduleTask(deadline: due) { [self] in
                    timer = nil
                    next()
                }
            }
        }
    }

    private func send(due: NIODeadline) {
        inFlight = due
        channel?.writeAndFlush(run.target.request, promise: nil)
    }

    func received(_ buffer: inout ByteBuffer) {
        do {
            while let status = try parser.scan(&buffer) {
                guard let due = inFlight else { throw HTTPResponseScanner.Malformed(reason: "an unasked-for response") }
                inFlight = nil
                if warming {
                    warming = false
                    announce()
                } else {
                    run.record(due: due, failure: status == 200 ? nil : "HTTP \(status)")
                }
                if parser.closesConnection {
                    reconnect()
                    return
                }
                next()
            }
        } catch {
            lost("\(error)")
        }
    }

    /// The connection failed or closed: the request on it fails, and the worker goes on over a new one.
    func lost(_ why: String) {
        if warming {
            warming = false
            inFlight = nil
            announce()
        }
        if let due = inFlight {
            inFlight = nil
            run.record(due: due, failure: why)
        }
        reconnect()
    }

    private func reconnect() {
        let old = channel
        channel = nil
        old?.close(promise: nil)
        if !connecting { connect() }
    }

    /// The open loop's time is up: slots not yet answered fail.
    func giveUp() {
        guard !done else { return }
        if inFlight != nil {
            inFlight = nil
            run.fail(unsent: 1, because: "no answer before the run gave up")
        }
        finish(failingRest: "not sent before the run gave up")
    }

    private func finish(failingRest why: String? = nil) {
        guard !done else { return }
        if let why, case .open(let total, _, _) = run.plan, slot < total {
            run.fail(unsent: (total - slot + connections - 1) / connections, because: why)
            slot = total
        } else if let why, case .closed = run.plan {
            run.fail(unsent: 1, because: why)
        }
        done = true
        timer?.cancel()
        timer = nil
        let old = channel
        channel = nil
        old?.close(promise: nil)
        run.workerFinished()
    }
}

/// Hands a connection's bytes and its end to its worker (on the run's event loop).
final class LoadHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let worker: LoadWorker

    init(worker: LoadWorker) {
        self.worker = worker
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        worker.received(&buffer)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if worker.channel === context.channel { worker.lost("the server closed the connection") }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension LoadHandler: Sendable {}
@available(*, unavailable)
extension LoadWorker: Sendable {}
@available(*, unavailable)
extension LoadRun: Sendable {}
