import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// Forward auth behind real proxies: nginx (`auth_request`) and Caddy (`forward_auth`), each configured with the
/// README's copy-paste configuration (Examples/forward-auth), in front of a small upstream application. An API
/// client and headless Chromium sign in, are stepped up on the protected path only, and pass; spoofed identity
/// headers never reach the application.
@Suite("Forward auth behind nginx and Caddy", .heavy, .serialized, .timeLimit(.minutes(8)))
struct ForwardAuthProxyTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/forward-auth")
    static let edge = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser")
    static let password = "forward auth password"

    @Test(arguments: ["nginx", "caddy"])
    func signInAndStepUpThroughTheProxy(proxy: String) async throws {
        guard let proxyBinary = ExternalTool.require(proxy, package: proxy),
              ExternalTool.require("chromium", package: "chromium") != nil,
              ExternalTool.require("chromedriver", package: "chromium-driver") != nil,
              let oathtool = ExternalTool.require("oathtool", package: "oathtool"),
              let python = ExternalTool.require("python3", package: "python3")
        else { return }
        guard try await ExternalTool.run(python, ["-c", "import selenium"]).status == 0 else {
            return ExternalTool.missing("python selenium (pip install selenium)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)

        let (stepupPort, proxyPort) = (BackgroundProcess.freePort(), BackgroundProcess.freePort())
        let auth = "http://auth.stepup.test:\(stepupPort)", app = "http://app.stepup.test:\(proxyPort)"
        let config = directory.appendingPathComponent("stepup.yaml")
        try edit(config, [
            ("  public_url: http://localhost:8080", "  public_url: \(auth)"),
            ("  secure_cookies: true", "  secure_cookies: false\n  cookie_domain: stepup.test\n  #"),
            ("  trusted_proxies: []", "  trusted_proxies: [127.0.0.1]"),
            ("  hosts: []", "  hosts: [app.stepup.test]"),
            ("  memory_kib: 65536", "  memory_kib: 8192"),
        ])
        try edit(directory.appendingPathComponent("policy.yaml"), [("\nrules:\n", """

            routes:
              - {host: app.stepup.test, path: "/reports/**", action: reports.read}
              - {host: app.stepup.test, path: "/admin/**", action: console.admin}
            rules:
              - {id: edge-reports, match: {action: reports.read}, require: aal1}
              - {id: edge-admin, match: {action: console.admin}, require: {level: aal2, max_age: 0}}

            """)])
        for user in ["alice", "bob"] {
            let added = try await ExternalTool.run(stepup, ["user", "add", user, "--config", config.path],
                                                   input: Self.password + "\n")
            #expect(added.status == 0, "\(added.stderr)")
        }

        // Debug logging puts every decision in the failure message.
        let server = try await RunningServer.start(arguments: ["--config", config.path, "--log-level", "debug"],
                                                   port: stepupPort)
        let (upstream, upstreamPort) = try await BackgroundProcess.pythonServer(python, script: "upstream.py",
                                                                                in: directory)
        defer { upstream.stop() }
        #expect(upstreamPort > 0, "upstream.py did not start: \(upstream.output)")

        let secrets = try await withHTTPClient { client in
            let http = HTTP(base: server.baseURL, client: client)
            var secrets: [String: String] = [:]
            for user in ["alice", "bob"] { secrets[user] = try await enrollTOTP(http, user: user, oathtool: oathtool) }
            return secrets
        }

        let running = try startProxy(proxy, binary: proxyBinary, directory: directory, proxyPort: proxyPort,
                                     stepupPort: stepupPort, upstreamPort: upstreamPort)
        defer { running.stop() }
        let ready = await running.waitForPort(proxyPort)
        #expect(ready, "\(proxy) did not start:\n\(running.output)")
        guard ready else { return }

        let shots = directory.appendingPathComponent("shots")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let flow = try await ExternalTool.run(python, [
            Self.edge.appendingPathComponent("edge_flow.py").path, app, auth, Self.password,
            "bob", secrets["bob"] ?? "", "alice", secrets["alice"] ?? "", shots.path,
        ], timeout: .seconds(240))
        #expect(flow.status == 0, """
            \(proxy) flow failed:
            \(flow.stdout)\(flow.stderr)
            \(proxy) log:
            \(running.output)
            stepup log:
            \(server.output.suffix(12_000))
            """)
        #expect(await server.stop() == 0)
    }

    /// Signs `user` in through the API and enrolls an authenticator app, confirmed with oathtool's code for the
    /// previous time step (the flows then use the current and next ones: codes are single use).
    private func enrollTOTP(_ http: HTTP, user: String, oathtool: String) async throws -> String {
        let login = try await http.send(.POST, "/v1/sessions", json: ["username": user, "password": Self.password])
        let token = try #require(login.json?["token"] as? String, "\(login.body)")
        let started = try await http.send(.POST, "/v1/factors/totp", token: token, json: [:])
        let id = try #require(started.json?["factor_id"] as? String, "\(started.body)")
        let secret = try #require(started.json?["secret"] as? String)
        // The previous step's code (the flow's later codes must not be replays). On a loaded machine a step may
        // pass between computing the code and confirming it, which puts the code outside the window: try again.
        var confirmed: HTTP.Reply?
        for _ in 0..<3 where confirmed?.status != 200 {
            let code = try await ExternalTool.run(oathtool, ["--totp", "-b", "-N", "now - 30 seconds", secret])
            confirmed = try await http.send(.POST, "/v1/factors/totp/\(id)/confirm", token: token,
                                            json: ["code": code.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
        }
        try #require(confirmed?.status == 200, "TOTP enrolment for \(user) failed: \(confirmed?.body ?? "")")
        return secret
    }

    /// The README's configuration for `proxy`, with this test's host names and ports, started in `directory`.
    private func startProxy(_ proxy: String, binary: String, directory: URL, proxyPort: Int, stepupPort: Int,
                            upstreamPort: Int) throws -> BackgroundProcess {
        let ports = [("127.0.0.1:8080", "127.0.0.1:\(stepupPort)"), ("127.0.0.1:3000", "127.0.0.1:\(upstreamPort)")]
        if proxy == "nginx" {
            let site = try String(contentsOf: Self.examples.appendingPathComponent("nginx.conf"), encoding: .utf8)
            let siteFile = directory.appendingPathComponent("site.conf")
            try replacing(site, ports + [("listen 80;", "listen 127.0.0.1:\(proxyPort);"),
                                         ("server_name app.example.com;", "server_name app.stepup.test;")])
                .write(to: siteFile, atomically: true, encoding: .utf8)
            let root = directory.path
            let main = nginxConfig(root: root, http: "access_log off;\ninclude \(siteFile.path);")
            let mainFile = directory.appendingPathComponent("nginx.conf")
            try main.write(to: mainFile, atomically: true, encoding: .utf8)
            return try BackgroundProcess(binary, ["-p", root, "-c", mainFile.path])
        }
        let caddyfile = try String(contentsOf: Self.examples.appendingPathComponent("Caddyfile"), encoding: .utf8)
        let file = directory.appendingPathComponent("Caddyfile")
        try ("{\n\tadmin off\n\tauto_https off\n}\n" + replacing(caddyfile, ports + [
            ("app.example.com {", "http://app.stepup.test:\(proxyPort) {"),
        ])).write(to: file, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        environment["XDG_DATA_HOME"] = directory.appendingPathComponent("data").path
        environment["XDG_CONFIG_HOME"] = directory.appendingPathComponent("config").path
        return try BackgroundProcess(binary, ["run", "--config", file.path, "--adapter", "caddyfile"],
                                     environment: environment)
    }

    private func edit(_ file: URL, _ replacements: [(String, String)]) throws {
        try replacing(try String(contentsOf: file, encoding: .utf8), replacements)
            .write(to: file, atomically: true, encoding: .utf8)
    }

    private func replacing(_ text: String, _ replacements: [(String, String)]) throws -> String {
        var text = text
        for (from, to) in replacements {
            guard text.contains(from) else { throw ExampleDrift(missing: from) }
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    struct ExampleDrift: Error, CustomStringConvertible {
        let missing: String
        var description: String { "the file no longer contains '\(missing)'" }
    }
}
