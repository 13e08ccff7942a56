import AsyncHTTPClient
import Foundation
import Testing

/// The running server behind a trusted proxy, locating clients with Debian's tor-geoipdb ranges: a sign-in
/// from a new country is explained in the decision; a forged X-Forwarded-For from elsewhere is ignored.
@Suite("Geo risk end to end", .serialized)
struct GeoRiskTests {
    @Test func aNewCountryIsExplained() async throws {
        guard let oathtool = ExternalTool.require("oathtool", package: "oathtool") else { return }
        guard FileManager.default.fileExists(atPath: "/usr/share/tor/geoip") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("tor-geoipdb missing under CI (apt-get install tor-geoipdb)")
            } else {
                print("SKIP: /usr/share/tor/geoip missing (apt-get install tor-geoipdb)")
            }
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-geo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try ExternalTool.run(stepup, ["init", "--directory", directory.path, "--policy", "demo"]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "  trusted_proxies: []",
            with: "  trusted_proxies: [127.0.0.1, \"::1\"]\n  geoip_ranges: [/usr/share/tor/geoip, /usr/share/tor/geoip6]")
        try text.write(to: config, atomically: true, encoding: .utf8)
        #expect(try ExternalTool.run(stepup, ["user", "add", "erin", "--config", config.path],
                                     input: "erin's long password\n").status == 0)
        let server = try RunningServer(arguments: ["--config", config.path])
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let http = HTTP(base: server.baseURL, client: client)
            func login(from ip: String) async throws -> HTTP.Reply {
                try await http.send(.POST, "/v1/sessions", json: ["username": "erin", "password": "erin's long password",
                                                                  "device_id": "erin-laptop-01"],
                                    headers: ["X-Forwarded-For": ip])
            }
            // At home (US): enroll TOTP, step up once, so the device and the country become known.
            let home = try await login(from: "8.8.8.8")
            let token = try #require(home.json?["token"] as? String)
            let started = try await http.send(.POST, "/v1/factors/totp", token: token, json: [String: String]())
            let secret = try #require(started.json?["secret"] as? String)
            let code = try ExternalTool.run(oathtool, ["--totp", "-b", secret]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await http.send(.POST, try #require(started.json?["confirm_url"] as? String), token: token,
                                    json: ["code": code])
            let challenge = try #require((home.json?["step_up"] as? [String: Any])?["id"] as? String)
            let next = try ExternalTool.run(oathtool, ["--totp", "-b", "-N", "now + 30 seconds", secret]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let verified = try await http.send(.POST, "/v1/challenges/\(challenge)/verify", token: token,
                                               json: ["factor": "totp", "code": next],
                                               headers: ["X-Forwarded-For": "8.8.8.8"])
            #expect(verified.status == 200, "\(verified.body)")

            // Travelling (DE): the same device, a new country.
            let abroad = try await login(from: "5.5.5.5")
            let abroadToken = try #require(abroad.json?["token"] as? String)
            let decision = try await http.send(.POST, "/v1/decisions", token: abroadToken,
                                               json: ["action": "bank.balance.view"], headers: ["X-Forwarded-For": "5.5.5.5"])
            let signals = (decision.json?["risk"] as? [String: Any])?["signals"] as? [[String: Any]] ?? []
            let newCountry = signals.first { $0["name"] as? String == "new_country" }
            #expect((newCountry?["evidence"] as? String)?.contains("first sign-in from DE; last from US") == true,
                    "\(decision.body)")
            #expect(decision.json?["decision"] as? String == "step_up")
        } catch {
            Issue.record("\(error)\n\(server.output)")
        }
        try await client.shutdown()
        _ = server.stop()
    }
}
