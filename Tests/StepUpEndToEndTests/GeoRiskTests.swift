import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// The running server behind a trusted proxy, locating clients with Debian's tor-geoipdb ranges: a sign-in
/// from a new country is explained in the decision; a forged X-Forwarded-For from elsewhere is ignored.
@Suite("Geo risk end to end", .heavy, .serialized, .timeLimit(.minutes(5)))
struct GeoRiskTests {
    @Test func aNewCountryIsExplained() async throws {
        guard let oathtool = ExternalTool.require("oathtool", package: "oathtool") else { return }
        guard FileManager.default.fileExists(atPath: "/usr/share/tor/geoip") else {
            if ExternalTool.isCI {
                Issue.record("tor-geoipdb missing under CI (apt-get install tor-geoipdb)")
            } else {
                print("SKIP: /usr/share/tor/geoip missing (apt-get install tor-geoipdb)")
            }
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-geo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path, "--policy", "demo"]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "  trusted_proxies: []",
            with: "  trusted_proxies: [127.0.0.1, \"::1\"]\n  geoip_ranges: [/usr/share/tor/geoip, /usr/share/tor/geoip6]")
        try text.write(to: config, atomically: true, encoding: .utf8)
        #expect(try await ExternalTool.run(stepup, ["user", "add", "erin", "--config", config.path],
                                     input: "erin's long password\n").status == 0)
        let server = try await RunningServer.start(arguments: ["--config", config.path])
        try await withHTTPClient { client in
            do {
                let http = HTTP(base: server.baseURL, client: client)
                var deviceSecret: String?
                func login(from ip: String) async throws -> HTTP.Reply {
                    var body = ["username": "erin", "password": "erin's long password", "device_id": "Erin's laptop"]
                    if let deviceSecret { body["device_secret"] = deviceSecret }
                    let reply = try await http.send(.POST, "/v1/sessions", json: body, headers: ["X-Forwarded-For": ip])
                    deviceSecret = deviceSecret ?? reply.json?["device_secret"] as? String
                    return reply
                }
                // At home (US): erin has no second factor yet, so the sign-in stands at aal1 ("highest available");
                // she enrolls an authenticator app.
                let first = try await login(from: "8.8.8.8")
                let firstToken = try #require(first.json?["token"] as? String, "\(first.body)")
                #expect(first.json?["step_up"] == nil, "\(first.body)")
                let started = try await http.send(.POST, "/v1/factors/totp", token: firstToken, json: [String: String]())
                let secret = try #require(started.json?["secret"] as? String)
                let code = try await ExternalTool.run(oathtool, ["--totp", "-b", secret]).stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                _ = try await http.send(.POST, try #require(started.json?["confirm_url"] as? String), token: firstToken,
                                        json: ["code": code])
                // A step-up at home (an export needs aal2) makes the device and the country known.
                let export = try await http.send(.POST, "/v1/decisions", token: firstToken,
                                                 json: ["action": "bank.export"], headers: ["X-Forwarded-For": "8.8.8.8"])
                let challenge = try #require((export.json?["challenge"] as? [String: Any])?["id"] as? String,
                                             "\(export.body)")
                let next = try await ExternalTool.run(oathtool, ["--totp", "-b", "-N", "now + 30 seconds", secret]).stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let verified = try await http.send(.POST, "/v1/challenges/\(challenge)/verify", token: firstToken,
                                                   json: ["factor": "totp", "code": next],
                                                   headers: ["X-Forwarded-For": "8.8.8.8"])
                #expect(verified.status == 200, "\(verified.body)")
                let home = try await login(from: "8.8.8.8")
                #expect(home.json?["step_up"] == nil, "home, on a known device: no step-up: \(home.body)")

                // Travelling (DE): the same device, a new country. The caller sees the signal's name; the evidence
                // is in the audit log.
                let abroad = try await login(from: "5.5.5.5")
                #expect(abroad.json?["step_up"] != nil, "\(abroad.body)")
                let signals = (abroad.json?["risk"] as? [String: Any])?["signals"] as? [[String: Any]] ?? []
                #expect(signals.contains { $0["name"] as? String == "new_country" }, "\(abroad.body)")
                #expect(!signals.contains { $0["name"] as? String == "new_device" }, "the device is proven and known")
                #expect(!abroad.body.contains("last from US"), "no location history for the caller")
                if let sqlite = ExternalTool.require("sqlite3", package: "sqlite3") {
                    let database = directory.appendingPathComponent("stepup.sqlite").path
                    let audit = try await ExternalTool.run(sqlite, [database, "SELECT details FROM audit_events " +
                        "WHERE type = 'login.decided' ORDER BY sequence DESC LIMIT 1"])
                    #expect(audit.stdout.contains("first sign-in from DE; last from US"), "\(audit.stdout)")
                }
            } catch {
                Issue.record("\(error)\n\(server.output)")
            }
        }
        _ = await server.stop()
    }

    /// With both a `.mmdb` file and range files configured, the `.mmdb` answers first and the ranges fill in.
    @Test func theMMDBAnswersBeforeTheRangeFiles() async throws {
        guard let python = ExternalTool.require("python3", package: "python3") else { return }
        guard try await ExternalTool.run(python, ["-c", "import mmdb_writer, netaddr"]).status == 0 else {
            ExternalTool.missing("python mmdb-writer and netaddr (pip install mmdb-writer netaddr)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-mmdb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let mmdb = directory.appendingPathComponent("city.mmdb")
        let writer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../StepUpGeoTests/Fixtures/write_mmdb.py").standardized.path
        let written = try await ExternalTool.run(python, [writer, "city", mmdb.path])
        #expect(written.status == 0, "\(written.stderr)")
        // The ranges say France for the mmdb's London block, and for 100.64.0.0/10 the mmdb does not know.
        let ranges = directory.appendingPathComponent("ranges.csv")
        try "1359103232,1359103487,FR\n1681915904,1686110207,FR\n".write(to: ranges, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("stepup.yaml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
            of: "  trusted_proxies: []",
            with: "  trusted_proxies: [127.0.0.1, \"::1\"]\n  geoip_database: \(mmdb.path)\n  geoip_ranges: [\(ranges.path)]")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let policy = directory.appendingPathComponent("policy.yaml")
        let rules = try String(contentsOf: policy, encoding: .utf8).replacingOccurrences(of: "rules:\n", with: """
            rules:
              - id: no-gb-probe
                match: {action: geo.probe, context: {country: GB}}
                deny: GB
              - id: no-fr-probe
                match: {action: geo.probe, context: {country: FR}}
                deny: FR

            """)
        try rules.write(to: policy, atomically: true, encoding: .utf8)
        #expect(try await ExternalTool.run(stepup, ["user", "add", "lea", "--config", config.path],
                                           input: "lea's long password\n").status == 0)
        let server = try await RunningServer.start(arguments: ["--config", config.path])
        try await withHTTPClient { client in
            do {
                let http = HTTP(base: server.baseURL, client: client)
                func country(from ip: String) async throws -> String? {
                    let login = try await http.send(.POST, "/v1/sessions",
                                                    json: ["username": "lea", "password": "lea's long password"],
                                                    headers: ["X-Forwarded-For": ip])
                    let token = try #require(login.json?["token"] as? String, "\(login.body)")
                    let decision = try await http.send(.POST, "/v1/decisions", token: token, json: ["action": "geo.probe"],
                                                       headers: ["X-Forwarded-For": ip])
                    return decision.json?["decision"] as? String == "deny" ? decision.json?["reason"] as? String : nil
                }
                #expect(try await country(from: "81.2.69.160") == "GB", "the .mmdb answers first")
                #expect(try await country(from: "100.64.1.1") == "FR", "the ranges answer what the .mmdb does not know")
                #expect(try await country(from: "192.0.2.55") == nil, "neither knows a country here")
            } catch {
                Issue.record("\(error)\n\(server.output)")
            }
        }
        #expect(await server.stop() == 0)
    }
}
