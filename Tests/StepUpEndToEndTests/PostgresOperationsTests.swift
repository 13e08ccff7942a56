import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// Operating StepUp on PostgreSQL: moving a running SQLite deployment over with `stepup storage copy`, and
/// `/readyz` following the database through an outage.
@Suite("PostgreSQL operations", .heavy, .serialized, .timeLimit(.minutes(5)))
struct PostgresOperationsTests {
    /// `stepup init` in a new folder with alice as a user; the folder and the configuration file.
    func deployment(_ name: String) async throws -> (URL, URL) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepup-\(name)-\(UUID().uuidString)")
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path, "--policy", "demo"])
            .status == 0)
        return (directory, directory.appendingPathComponent("stepup.yaml"))
    }

    /// Points the configuration at `database` (password from the environment).
    func usePostgres(_ config: URL, _ server: PostgresServer, _ database: String) throws {
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "storage:\n", with: """
            storage:
              postgres:
                url: postgres://\(server.user)@127.0.0.1:\(server.port)/\(database)?sslmode=disable

            """)
        try text.write(to: config, atomically: true, encoding: .utf8)
    }

    /// A PostgreSQL of its own with a new database, a deployment configured for it (with alice when `alice`);
    /// `body` gets the server, the database, the configuration file and the environment `stepup` needs.
    func withPostgresDeployment(_ name: String, alice: Bool,
                                _ body: (PostgresServer, String, URL, [String: String]) async throws -> Void)
        async throws
    {
        guard let server = try await PostgresServer.dedicated() else { return }
        defer { server.destroy() }
        let database = try await server.createDatabase()
        let (directory, config) = try await deployment(name)
        defer { try? FileManager.default.removeItem(at: directory) }
        try usePostgres(config, server, database)
        let environment = ["STEPUP_POSTGRES_PASSWORD": server.password, "PATH": "/usr/bin:/bin"]
        if alice {
            let added = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "add", "alice", "--config",
                                                                                config.path],
                                                   input: "alice's long password\n", environment: environment)
            #expect(added.status == 0, "\(added.stderr)")
        }
        try await body(server, database, config, environment)
    }

    /// Every decision `load` saw acknowledged has its audit event in `database`, and the chain verifies.
    func expectEveryAcknowledgedDecisionStored(_ load: DecisionLoad, _ server: PostgresServer, _ database: String,
                                               _ config: URL, _ environment: [String: String]) async throws {
        let stored = try server.psql("""
            SELECT details::json->>'decision_id' FROM audit_events WHERE type LIKE 'decision.%'
            """, database: database)
        let ids = load.ids.withLock { $0 }
        #expect(ids.count > 50)
        let missing = ids.subtracting(Set(stored.split(separator: "\n").map(String.init)))
        #expect(missing.isEmpty, "\(missing.count) of \(ids.count) acknowledged decisions are not in the audit log")
        let verify = try await ExternalTool.run(ExternalTool.stepupBinary, ["audit", "verify", "--config", config.path],
                                                environment: environment)
        #expect(verify.status == 0 && verify.stdout.contains("audit chain intact"), "\(verify.stdout)\(verify.stderr)")
    }

    @Test func storageCopyMovesARunningSQLiteDeployment() async throws {
        guard let server = try await PostgresServer.shared() else { return }
        let (directory, config) = try await deployment("copy")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["user", "add", "alice", "--config", config.path],
                                           input: "alice's long password\n").status == 0)
        let sqlite = try await RunningServer.start(arguments: ["--config", config.path])
        let database = try await server.createDatabase()
        defer { server.dropDatabase(database) }
        let url = "postgres://\(server.user)@127.0.0.1:\(server.port)/\(database)?sslmode=disable"
        let environment = ["STEPUP_POSTGRES_PASSWORD": server.password, "PATH": "/usr/bin:/bin"]
        let token: String = try await withHTTPClient { client in
            let http = HTTP(base: sqlite.baseURL, client: client)
            let login = try await http.send(.POST, "/v1/sessions",
                                            json: ["username": "alice", "password": "alice's long password"])
            let token = try #require(login.json?["token"] as? String, "\(login.body)")
            // Copied while the SQLite server runs.
            let copy = try await ExternalTool.run(stepup, ["storage", "copy", "--from",
                                                           directory.appendingPathComponent("stepup.sqlite").path,
                                                           "--to", url], environment: environment)
            #expect(copy.status == 0, "\(copy.stdout)\(copy.stderr)")
            #expect(copy.stdout.contains("users: [####################] 1/1"), "\(copy.stdout)")
            #expect(copy.stdout.contains("audit chain intact"), "\(copy.stdout)")
            #expect(!copy.stdout.contains(server.password) && !copy.stderr.contains(server.password))
            return token
        }
        #expect(await sqlite.stop() == 0)

        // A second copy finds the target in use and changes nothing; a bad URL is refused before anything.
        let again = try await ExternalTool.run(stepup, ["storage", "copy", "--from",
                                                        directory.appendingPathComponent("stepup.sqlite").path,
                                                        "--to", url], environment: environment)
        #expect(again.status != 0 && again.stderr.contains("not empty"), "\(again.stderr)")
        let bad = try await ExternalTool.run(stepup, ["storage", "copy", "--from",
                                                      directory.appendingPathComponent("stepup.sqlite").path,
                                                      "--to", "postgres://db/x?sslmode=sometimes"])
        #expect(bad.status != 0 && bad.stderr.contains("sslmode"), "\(bad.stderr)")

        // StepUp on PostgreSQL: the copied session still works, alice still signs in, the chain verifies.
        try usePostgres(config, server, database)
        let postgres = try await RunningServer.start(arguments: ["--config", config.path], environment: environment)
        try await withHTTPClient { client in
            let http = HTTP(base: postgres.baseURL, client: client)
            let current = try await http.send(.GET, "/v1/sessions/current", token: token)
            #expect(current.status == 200, "\(current.body)")
            let login = try await http.send(.POST, "/v1/sessions",
                                            json: ["username": "alice", "password": "alice's long password"])
            #expect(login.status == 201, "\(login.body)")
        }
        #expect(await postgres.stop() == 0)
        let verify = try await ExternalTool.run(stepup, ["audit", "verify", "--config", config.path],
                                                environment: environment)
        #expect(verify.status == 0 && verify.stdout.contains("audit chain intact"), "\(verify.stdout)\(verify.stderr)")
    }

    @Test func readyzFollowsTheDatabaseThroughAnOutage() async throws {
        try await withPostgresDeployment("outage", alice: false) { server, _, config, environment in
            let stepup = try await RunningServer.start(arguments: ["--config", config.path], environment: environment)
            try await withHTTPClient { client in
                let http = HTTP(base: stepup.baseURL, client: client)
                #expect(try await http.send(.GET, "/readyz").status == 200)
                try await PostgresServer.offload { server.stop() }
                // Unreachable: 503, answered promptly once the outage is known.
                var statuses: [Int] = []
                for _ in 0..<3 { statuses.append(try await http.send(.GET, "/readyz").status) }
                #expect(statuses == [503, 503, 503], "\(stepup.output)")
                let probe = ContinuousClock.now
                #expect(try await http.send(.GET, "/readyz").status == 503)
                #expect(ContinuousClock.now - probe < .seconds(3), "a probe during an outage answers quickly")
                try await PostgresServer.offload { try server.start() }
                let back = ContinuousClock.now
                var status = 0
                while ContinuousClock.now - back < .seconds(5) {
                    status = try await http.send(.GET, "/readyz").status
                    if status == 200 { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(status == 200, "ready again within 5 s of the database's return\n\(stepup.output)")
            }
            #expect(await stepup.stop() == 0)
        }
    }

    /// One instance killed with SIGKILL under load: the other keeps acknowledging decisions, and every decision
    /// either acknowledged has its audit event; the chain verifies.
    @Test func killNineOfOneInstanceLosesNothingAcknowledged() async throws {
        try await withPostgresDeployment("faults", alice: true) { server, database, config, environment in
            let victim = try await RunningServer.start(arguments: ["--config", config.path], environment: environment)
            let survivor = try await RunningServer.start(arguments: ["--config", config.path], environment: environment)
            let load = DecisionLoad()
            try await withHTTPClient { client in
                let first = HTTP(base: victim.baseURL, client: client)
                let second = HTTP(base: survivor.baseURL, client: client)
                let login = try await first.send(.POST, "/v1/sessions",
                                                 json: ["username": "alice", "password": "alice's long password"])
                let token = try #require(login.json?["token"] as? String, "\(login.body)")
                let onVictim = load.start(first, token: token, clients: 8)
                let onSurvivor = load.start(second, token: token, clients: 8)
                try await Task.sleep(for: .milliseconds(700))
                victim.signal(SIGKILL)
                _ = await victim.stop()
                try await onVictim.value
                let afterKill = load.acknowledged
                try await Task.sleep(for: .milliseconds(500))
                #expect(load.acknowledged > afterKill, "the other instance keeps acknowledging decisions")

                onSurvivor.cancel()
                try? await onSurvivor.value
            }
            let stopped = await survivor.stop()
            #expect(stopped == 0, "\(survivor.output.suffix(3_000))")
            try await expectEveryAcknowledgedDecisionStored(load, server, database, config, environment)
        }
    }

    /// PostgreSQL stopped and started while an instance is under load: `/readyz` says 503, then 200 within 5 s of
    /// the database's return; decisions are acknowledged again, none acknowledged is lost, the chain verifies,
    /// and the instance still stops cleanly.
    @Test func aRestartOfPostgreSQLUnderLoadLosesNothingAcknowledged() async throws {
        try await withPostgresDeployment("restart", alice: true) { server, database, config, environment in
            let instance = try await RunningServer.start(arguments: ["--config", config.path], environment: environment)
            let load = DecisionLoad()
            try await withHTTPClient { client in
                let http = HTTP(base: instance.baseURL, client: client)
                let login = try await http.send(.POST, "/v1/sessions",
                                                json: ["username": "alice", "password": "alice's long password"])
                let token = try #require(login.json?["token"] as? String, "\(login.body)")
                let running = load.start(http, token: token, clients: 8)
                try await Task.sleep(for: .milliseconds(500))
                // Probed on a client of its own: the load holds every connection of the first.
                try await withHTTPClient { probeClient in
                    let probe = HTTP(base: instance.baseURL, client: probeClient)
                    try await PostgresServer.offload { server.stop() }
                    #expect(try await probe.send(.GET, "/readyz").status == 503)
                    try await PostgresServer.offload { try server.start() }
                    let back = ContinuousClock.now
                    var ready = 0
                    while ContinuousClock.now - back < .seconds(5), ready != 200 {
                        ready = try await probe.send(.GET, "/readyz").status
                        if ready != 200 { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    #expect(ready == 200, "ready within 5 s of the database's return")
                }
                let afterRestart = load.acknowledged
                let deadline = ContinuousClock.now + .seconds(20)
                while load.acknowledged == afterRestart, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(load.acknowledged > afterRestart, "decisions are acknowledged again after the restart")
                running.cancel()
                try? await running.value
            }
            let stopped = await instance.stop()
            #expect(stopped == 0, "\(instance.output.suffix(2_000))")
            try await expectEveryAcknowledgedDecisionStored(load, server, database, config, environment)
        }
    }

    /// `bench decisions --postgres URL --postgres-socket FILE` runs the server on that database through the Unix
    /// socket: the URL names no password and TCP needs one here (only local connections are trusted), so the run
    /// succeeds only if the socket was used. Without `--postgres`, the socket option is refused.
    @Test func theDecisionBenchmarkRunsOnPostgreSQLThroughItsSocket() async throws {
        guard let server = try await PostgresServer.shared() else { return }
        let database = try await server.createDatabase()
        defer { server.dropDatabase(database) }
        let socket = "\(server.directory)/.s.PGSQL.\(server.port)"
        let url = "postgres://\(server.user)@127.0.0.1:\(server.port)/\(database)?sslmode=disable"
        let run = try await ExternalTool.run(ExternalTool.stepupBinary,
                                             ["bench", "decisions", "--seconds", "0.2", "--postgres", url,
                                              "--postgres-socket", socket],
                                             environment: ["PATH": "/usr/bin:/bin"], timeout: .seconds(240))
        try #require(run.status == 0, "\(run.stderr.suffix(2_000))")
        let figures = run.figures
        #expect(figures["storage"] == "postgres" && figures["postgres_transport"] == "unix_socket", "\(figures)")
        for name in ["allow_c1_ratio", "allow_c32_ratio", "step_up_c32_ratio", "login_storm_half_peak_p99_ms"] {
            #expect(figures[name].flatMap(Double.init).map { $0 > 0 } == true, "\(name)=\(figures[name] ?? "missing")")
        }
        #expect(figures["allow_c1_failures"] == "0" && figures["allow_c32_failures"] == "0", "\(figures)")

        let alone = try await ExternalTool.run(ExternalTool.stepupBinary,
                                               ["bench", "decisions", "--postgres-socket", socket])
        #expect(alone.status != 0 && alone.stderr.contains("--postgres-socket needs --postgres"), "\(alone.stderr)")
        let missing = try await ExternalTool.run(ExternalTool.stepupBinary,
                                                 ["bench", "decisions", "--postgres", url,
                                                  "--postgres-socket", "\(server.directory)/no-such-socket"])
        #expect(missing.status != 0 && missing.stderr.contains("no such file"), "\(missing.stderr)")
    }
}
