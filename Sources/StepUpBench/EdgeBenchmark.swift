import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StepUpProcess

/// `stepup bench edge`: every proxied request is a decision. One upstream (the bare Hummingbird handler) is reached
/// three ways, all driven by `wrk` with 32 connections in the same run:
///
/// - `nginx` alone, `proxy_pass` to the upstream — the reference;
/// - `nginx` with `auth_request` to a real `stepup serve` (`/auth/verify/nginx`) — forward auth;
/// - StepUp's built-in gateway (`gateway.routes`) to the upstream.
///
/// It prints requests per second, p50 and p99 for each, the ratios to nginx alone, and p99 in an open loop at half
/// of each one's peak. Every request is a signed-in `GET` of a path the policy routes to an `allow` at aal1, with
/// its decision audited in full (the default) or as `allowAudit` says (`counted`, `sampled N`: the policy's
/// `audit: {allow: …}`, as a site would set it for static assets).
public struct EdgeBenchmark: Sendable {
    public var binary: String
    public var seconds: Double
    /// The policy's `audit: {allow: …}` volume; `full` (every decision written row by row) unless set.
    public var allowAudit: String

    public init(binary: String, seconds: Double, allowAudit: String = "full") {
        self.binary = binary
        self.seconds = seconds
        self.allowAudit = allowAudit
    }

    struct Missing: Error, CustomStringConvertible { var description: String }

    public func run(emit: @escaping @Sendable (String) -> Void) async throws {
        guard let nginx = Self.which("nginx"), let wrk = Self.which("wrk") else {
            throw Missing(description: "stepup bench edge needs nginx and wrk on PATH (apt-get install nginx wrk)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-edge-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bare = try await BarePeer.start()
        defer { bare.stop() }
        let upstream = bare.base.replacingOccurrences(of: "http://", with: "")

        try DecisionBenchmark.check(try DecisionBenchmark.exec(binary, ["init", "--directory", directory.path]),
                                    "stepup init")
        let config = directory.appendingPathComponent("stepup.yaml")
        var text = try String(contentsOf: config, encoding: .utf8)
        for (from, to) in [("  trusted_proxies: []", "  trusted_proxies: [127.0.0.1]"),
                           ("  hosts: []", "  hosts: [app.bench.test]"),
                           ("  routes: []", "  routes: [{host: app.bench.test, upstream: \"http://\(upstream)\"}]")] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        try text.write(to: config, atomically: true, encoding: .utf8)
        let policy = directory.appendingPathComponent("policy.yaml")
        try (try String(contentsOf: policy, encoding: .utf8)
            + "\naudit: {allow: \(allowAudit)}\nroutes:\n  - {path: \"/reports/**\", action: reports.view}\n")
            .write(to: policy, atomically: true, encoding: .utf8)
        emit("allow_audit=\(allowAudit)")
        try DecisionBenchmark.check(try DecisionBenchmark.exec(binary, ["user", "add", "bench", "--config", config.path],
                                                               input: "bench password 0001\n"), "stepup user add")
        let server = try Server.start(binary: binary, config: config.path)
        defer { server.stop() }
        let token = try await DecisionBenchmark.signIn(base: server.base)
        let stepup = server.base.replacingOccurrences(of: "http://", with: "")

        let (alonePort, authPort) = (Self.freePort(), Self.freePort())
        let nginxConfig = directory.appendingPathComponent("nginx.conf")
        try Self.nginxConfig(root: directory.path, upstream: upstream, stepup: stepup, alone: alonePort,
                             auth: authPort).write(to: nginxConfig, atomically: true, encoding: .utf8)
        let proxy = try Subprocess.start(nginx, ["-p", directory.path, "-c", nginxConfig.path])
        defer {
            kill(proxy.pid, SIGTERM)
            _ = Subprocess.wait(for: proxy.pid)
            if let output = proxy.output { close(output) }
        }
        try await Self.waitForPort(authPort)

        // nginx is reached at its own address (its only server); the gateway needs the application's host name.
        let bearer = [("Authorization", "Bearer \(token)")]
        func headers(_ target: String) -> [(String, String)] {
            target == "gateway" ? bearer + [("Host", "app.bench.test")] : bearer
        }
        let gatewayPort = Int(stepup.split(separator: ":").last ?? "") ?? 0
        let targets = [("nginx", alonePort), ("forward_auth", authPort), ("gateway", gatewayPort)]
        var peaks: [String: Double] = [:]
        for (name, port) in targets {
            let result = try Self.wrk(wrk, url: "http://127.0.0.1:\(port)/reports/q1", headers: headers(name),
                                      seconds: seconds)
            peaks[name] = result.rps
            emit("\(name)_c32_rps=\(DecisionBenchmark.format(result.rps))")
            emit("\(name)_c32_p50_ms=\(DecisionBenchmark.format(result.p50, digits: 2))")
            emit("\(name)_c32_p99_ms=\(DecisionBenchmark.format(result.p99, digits: 2))")
            emit("\(name)_c32_non_2xx=\(result.errors)")
        }
        let reference = max(peaks["nginx"] ?? 1, 1)
        emit("forward_auth_ratio=\(DecisionBenchmark.format((peaks["forward_auth"] ?? 0) / reference, digits: 3))")
        emit("gateway_ratio=\(DecisionBenchmark.format((peaks["gateway"] ?? 0) / reference, digits: 3))")
        // Half of each peak, open loop: requests due at fixed times whatever the answers do (see LoadGenerator).
        for (name, port) in targets {
            let rate = max((peaks[name] ?? 0) / 2, 1)
            let generator = LoadGenerator(url: "http://127.0.0.1:\(port)/reports/q1", headers: headers(name), body: "",
                                          method: .GET)
            let result = try await generator.run(rate: rate, connections: Harness.connections(forRate: rate),
                                                 duration: .seconds(seconds))
            emit("\(name)_half_peak_rps=\(DecisionBenchmark.format(result.perSecond))")
            emit("\(name)_half_peak_p50_ms=\(DecisionBenchmark.format(result.percentile(0.5), digits: 2))")
            emit("\(name)_half_peak_p99_ms=\(DecisionBenchmark.format(result.percentile(0.99), digits: 2))")
            emit("\(name)_half_peak_failures=\(result.failures)")
            if let why = result.firstFailure { emit("\(name)_half_peak_first_failure=\(why)") }
        }
    }

    /// nginx on two ports in front of the same upstream (kept-alive connections both ways): alone, and asking
    /// StepUp first (the README's auth_request configuration, reduced to what the benchmark needs).
    static func nginxConfig(root: String, upstream: String, stepup: String, alone: Int, auth: Int) -> String {
        """
        pid \(root)/nginx.pid;
        error_log \(root)/error.log error;
        daemon off;
        worker_processes 1;
        worker_rlimit_nofile 16384;
        events { worker_connections 8192; }
        http {
            access_log off;
            client_body_temp_path \(root)/body;
            proxy_temp_path \(root)/proxy;
            fastcgi_temp_path \(root)/fastcgi;
            uwsgi_temp_path \(root)/uwsgi;
            scgi_temp_path \(root)/scgi;
            upstream app { server \(upstream); keepalive 1024; }
            upstream stepup { server \(stepup); keepalive 1024; }
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            server {
                listen 127.0.0.1:\(alone);
                location / { proxy_pass http://app; }
            }
            server {
                listen 127.0.0.1:\(auth);
                location / {
                    auth_request /.stepup/verify;
                    auth_request_set $stepup_user $upstream_http_remote_user;
                    # A location with its own proxy_set_header inherits none from http{}: keep-alive again.
                    proxy_set_header Connection "";
                    proxy_set_header Remote-User $stepup_user;
                    proxy_pass http://app;
                }
                location = /.stepup/verify {
                    internal;
                    proxy_pass http://stepup/auth/verify/nginx;
                    proxy_pass_request_body off;
                    proxy_set_header Connection "";
                    proxy_set_header Content-Length "";
                    proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
                    proxy_set_header X-Original-Method $request_method;
                    proxy_set_header X-Forwarded-For $remote_addr;
                }
            }
        }
        """
    }

    struct WrkResult { var rps: Double; var p50: Double; var p99: Double; var errors: Int }

    /// `wrk -t2 -c32 --latency`: requests per second, p50 and p99 (ms), and non-2xx answers.
    static func wrk(_ wrk: String, url: String, headers: [(String, String)], seconds: Double) throws -> WrkResult {
        var arguments = ["-t2", "-c32", "-d\(max(1, Int(seconds)))s", "--latency"]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        let output = try Subprocess.run(wrk, arguments + [url], timeout: .seconds(Int64(seconds) + 60))
        let text = output.stdoutText
        func number(after label: String) -> Double? {
            guard let line = text.split(separator: "\n").first(where: {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix(label)
            }) else { return nil }
            return line.split(whereSeparator: \.isWhitespace).dropFirst(label.split(separator: " ").count).first
                .flatMap(milliseconds)
        }
        let errors = text.split(separator: "\n").first { $0.contains("Non-2xx or 3xx responses:") }
            .flatMap { $0.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } } ?? 0
        guard let rps = number(after: "Requests/sec:"), let p50 = number(after: "50%"), let p99 = number(after: "99%")
        else { throw Missing(description: "could not read wrk's output:\n\(text)\(output.stderrText)") }
        return WrkResult(rps: rps, p50: p50, p99: p99, errors: errors)
    }

    /// wrk's `1.23ms`, `456.00us`, `1.02s`, or a plain number, in milliseconds (plain numbers as they are).
    static func milliseconds(_ text: Substring) -> Double? {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1_000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return Double(text)
    }

    static func which(_ tool: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        return paths.split(separator: ":").map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func freePort() -> Int { LoopbackPort.free() }

    static func waitForPort(_ port: Int) async throws {
        for _ in 0..<200 {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/")
            request.method = .GET
            if (try? await HTTPClient.shared.execute(request, timeout: .seconds(1))) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Missing(description: "nginx did not start on port \(port)")
    }
}
