import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `stepup bench decisions`: a real `stepup serve` (its own process, a fresh `stepup init`, SQLite or an empty
/// PostgreSQL database) and the bare Hummingbird handler, driven by the same load generator on loopback.
///
/// For `allow` and `step_up` decisions at 1 and 32 connections (closed loop) it prints requests per second, p50 and
/// p99, the ratio to the bare handler, store round trips, write units of work, commits and `fsync`s per decision;
/// then `allow` decisions in an open loop at half the peak rate, optionally a soak at 70 % of the peak with the
/// server's RSS sampled, decisions during a login storm, and the server's RSS.
///
/// ```swift
/// try await DecisionBenchmark(binary: "/usr/local/bin/stepup", seconds: 5, soakSeconds: 600).run { print($0) }
/// ```
public struct DecisionBenchmark: Sendable {
    public var binary: String
    /// Seconds each closed-loop case, the half-peak run and the login storm last.
    public var seconds: Double
    /// Seconds of the soak at 70 % of the peak; 0 skips it.
    public var soakSeconds: Double
    /// An empty PostgreSQL database to run the server on instead of SQLite (`postgres://…`; a password may also
    /// come from `STEPUP_POSTGRES_PASSWORD`).
    public var postgresURL: String?
    /// The Unix socket file of that PostgreSQL server, to reach it without TCP (nil: TCP, as the URL says).
    public var postgresSocket: String?

    public init(binary: String, seconds: Double, soakSeconds: Double = 0, postgresURL: String? = nil,
                postgresSocket: String? = nil) {
        self.binary = binary
        self.seconds = seconds
        self.soakSeconds = soakSeconds
        self.postgresURL = postgresURL
        self.postgresSocket = postgresSocket
    }

    public func run(emit: @escaping @Sendable (String) -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.check(try Self.exec(binary, ["init", "--directory", directory.path]), "stepup init")
        let config = directory.appendingPathComponent("stepup.yaml").path
        if let postgresURL {
            let text = try String(contentsOfFile: config, encoding: .utf8)
            var settings = "storage:\n  postgres:\n    url: \(Self.yamlQuoted(postgresURL))\n"
            if let postgresSocket { settings += "    socket: \(Self.yamlQuoted(postgresSocket))\n" }
            try text.replacingOccurrences(of: "storage:\n", with: settings)
                .write(toFile: config, atomically: true, encoding: .utf8)
        }
        emit("storage=\(postgresURL == nil ? "sqlite" : "postgres")")
        if postgresURL != nil { emit("postgres_transport=\(postgresSocket == nil ? "tcp" : "unix_socket")") }
        try Self.check(try Self.exec(binary, ["user", "add", "bench", "--config", config],
                                     input: "bench password 0001\n"), "stepup user add")
        let token = try Self.metricsToken(config)
        let server = try Server.start(binary: binary, config: config)
        defer { server.stop() }
        let bare = try await BarePeer.start()
        defer { bare.stop() }
        emit("server_rss_idle_mib=\(Self.format(server.rssMiB()))")
        let session = try await Self.signIn(base: server.base)
        let fsyncs = await FsyncCounter(pid: server.pid)
        // perf counts the server's fsync/fdatasync calls; without it they are derived from the store's metrics.
        emit("fsync_source=\(fsyncs == nil ? "derived" : "perf")")
        let harness = Harness(server: server, bare: bare, metricsToken: token, fsyncs: fsyncs, emit: emit,
                              headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(session)")])
        var peak = 0.0
        for connections in [1, 32] {
            peak = max(peak, try await harness.closedLoop("allow", action: Self.allowAction, connections: connections,
                                                          seconds: seconds))
        }
        try await harness.openLoop("allow_half_peak", rate: peak / 2, seconds: seconds, reference: true)
        for connections in [1, 32] {
            _ = try await harness.closedLoop("step_up", action: "account.password.change", connections: connections,
                                             seconds: seconds)
        }
        if soakSeconds > 0 {
            try await harness.soak(rate: peak * 0.7, seconds: soakSeconds)
        }
        try await harness.loginStorm(rate: peak / 2, seconds: seconds)
        // Sign-ins the storm left queued still hash; RSS "after" is the server's once it is idle again, and once it
        // has given back the Argon2 matrices it keeps for a few seconds after the last sign-in (Argon2Memory).
        await server.waitUntilIdle()
        try? await Task.sleep(for: .seconds(5))
        emit("server_rss_after_mib=\(Self.format(server.rssMiB()))")
    }

    /// An action the `stepup init` policy allows at aal1.
    static let allowAction = "reports.view"

    // MARK: helpers

    static func format(_ value: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `text` as a YAML double-quoted scalar.
    static func yamlQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
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

    static func signIn(base: String, client: HTTPClient = .shared) async throws -> String {
        var request = HTTPClientRequest(url: base + "/v1/sessions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"username":"bench","password":"bench password 0001"}"#))
        let response = try await client.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .created,
              let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let token = object["token"] as? String
        else { throw Failure(description: "sign-in failed: \(response.status) \(String(buffer: body))") }
        return token
    }
}
