import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import StepUpBareHandler

/// `stepup bench decisions`: a real `stepup serve` (its own process, a fresh `stepup init`, SQLite) and the bare
/// Hummingbird handler, driven by the same closed-loop load generator on loopback. For 1 and 32 connections it
/// prints requests per second, p50 and p99, the ratio to the bare handler, and store round trips and write
/// transactions (one WAL `fsync` each) per decision, from the server's `/metrics`; then the
/// same for `step_up` decisions (each creates a challenge), decisions during a login storm, and the server's RSS.
public struct DecisionBenchmark: Sendable {
    public var binary: String
    public var seconds: Double

    public init(binary: String, seconds: Double) {
        self.binary = binary
        self.seconds = seconds
    }

    public func run(emit: @escaping @Sendable (String) -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.check(try Self.exec(binary, ["init", "--directory", directory.path]), "stepup init")
        let config = directory.appendingPathComponent("stepup.yaml").path
        try Self.check(try Self.exec(binary, ["user", "add", "bench", "--config", config],
                                     input: "bench password 0001\n"), "stepup user add")
        let token = try Self.metricsToken(config)
        let server = try Server.start(binary: binary, config: config)
        defer { server.stop() }
        let bare = try await BarePeer.start()
        defer { bare.stop() }
        emit("server_rss_idle_mib=\(Self.format(server.rssMiB()))")
        let session = try await Self.signIn(base: server.base)
        let auth = [("Content-Type", "application/json"), ("Authorization", "Bearer \(session)")]
        for (name, action) in [("allow", "reports.view"), ("step_up", "account.password.change")] {
            for connections in [1, 32] {
                let body = #"{"action":"\#(action)"}"#
                let reference = try await LoadGenerator(url: bare.base + "/v1/decisions", headers: auth, body: body)
                    .run(connections: connections, duration: .seconds(seconds))
                let before = try await Self.roundTrips(base: server.base, token: token)
                let measured = try await LoadGenerator(url: server.base + "/v1/decisions", headers: auth, body: body)
                    .run(connections: connections, duration: .seconds(seconds))
                let after = try await Self.roundTrips(base: server.base, token: token)
                let decisions = Double(max(1, measured.requests))
                let prefix = "\(name)_c\(connections)"
                emit("\(prefix)_bare_rps=\(Self.format(reference.perSecond))")
                emit("\(prefix)_rps=\(Self.format(measured.perSecond))")
                emit("\(prefix)_ratio=\(Self.format(measured.perSecond / max(reference.perSecond, 1), digits: 3))")
                emit("\(prefix)_p50_ms=\(Self.format(measured.percentile(0.5), digits: 2))")
                emit("\(prefix)_p99_ms=\(Self.format(measured.percentile(0.99), digits: 2))")
                emit("\(prefix)_failures=\(measured.failures)")
                let trips = (reads: after.reads - before.reads, writes: after.writes - before.writes)
                emit("\(prefix)_round_trips_per_decision=\(Self.format(Double(trips.reads + trips.writes) / decisions, digits: 2))")
                // SQLite in WAL mode with synchronous=FULL (the default) syncs the WAL once per write transaction.
                emit("\(prefix)_write_transactions_per_decision=\(Self.format(Double(trips.writes) / decisions, digits: 2))")
            }
        }
        // Decisions while 50 sign-ins at a time keep the Argon2 pool saturated.
        let storm = Task {
            while !Task.isCancelled {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<50 { group.addTask { _ = try? await Self.signIn(base: server.base) } }
                }
            }
        }
        let during = try await LoadGenerator(url: server.base + "/v1/decisions", headers: auth,
                                             body: #"{"action":"reports.view"}"#)
            .run(connections: 32, duration: .seconds(seconds))
        storm.cancel()
        emit("login_storm_c32_rps=\(Self.format(during.perSecond))")
        emit("login_storm_c32_p99_ms=\(Self.format(during.percentile(0.99), digits: 2))")
        emit("server_rss_after_mib=\(Self.format(server.rssMiB()))")
    }

    // MARK: helpers

    static func format(_ value: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func check(_ output: (status: Int32, out: String, err: String), _ what: String) throws {
        guard output.status == 0 else { throw Failure(description: "\(what) failed: \(output.err)") }
    }

    static func exec(_ path: String, _ arguments: [String], input: String = "") throws
        -> (status: Int32, out: String, err: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    static func metricsToken(_ config: String) throws -> String {
        let text = try String(contentsOfFile: config, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("  token: ") }) else {
            throw Failure(description: "no metrics token in \(config)")
        }
        return line.dropFirst("  token: ".count).trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    }

    static func signIn(base: String) async throws -> String {
        var request = HTTPClientRequest(url: base + "/v1/sessions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"username":"bench","password":"bench password 0001"}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .created,
              let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let token = object["token"] as? String
        else { throw Failure(description: "sign-in failed: \(response.status) \(String(buffer: body))") }
        return token
    }

    /// Reads and writes handed to the database so far, from `/metrics`.
    static func roundTrips(base: String, token: String) async throws -> (reads: Int, writes: Int) {
        var request = HTTPClientRequest(url: base + "/metrics")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        func value(_ access: String) -> Int {
            text.split(separator: "\n").first { $0.hasPrefix("stepup_store_round_trips{access=\"\(access)\"}") }
                .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }.map { Int($0) } ?? 0
        }
        return (value("read"), value("write"))
    }
}

/// The `stepup serve` process under test.
// @unchecked: the Process is only started here and terminated in `stop`.
final class Server: @unchecked Sendable {
    let process: Process
    let base: String
    private var pid: Int32 { process.processIdentifier }

    private init(process: Process, base: String) {
        self.process = process
        self.base = base
    }

    static func start(binary: String, config: String) throws -> Server {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config", config, "--port", "0", "--log-level", "warning"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: "listening on http://"),
               let end = text[range.upperBound...].firstIndex(where: { $0 == " " || $0 == "\n" }) {
                output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
                return Server(process: process, base: "http://" + text[range.upperBound..<end])
            }
        }
        process.terminate()
        throw DecisionBenchmark.Failure(description: "stepup serve did not start: \(text)")
    }

    func rssMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap({ Double($0) })
        else { return 0 }
        return kib / 1_024
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// The bare handler, in this process.
final class BarePeer: Sendable {
    let base: String
    let task: Task<Void, any Error>

    private init(base: String, task: Task<Void, any Error>) {
        self.base = base
        self.task = task
    }

    static func start() async throws -> BarePeer {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await BareHandler.application(port: 0) { continuation.yield($0) }.runService()
        }
        var port = 0
        for await bound in stream {
            port = bound
            break
        }
        return BarePeer(base: "http://127.0.0.1:\(port)", task: task)
    }

    func stop() { task.cancel() }
}
