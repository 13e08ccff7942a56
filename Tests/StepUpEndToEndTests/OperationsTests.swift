import AsyncHTTPClient
import Foundation
import StepUpTestSupport
import Testing

/// Issue #14, operator tools: `stepup backup` of a server under write load, `stepup audit export`, and the
/// housekeeper pruning a running server's expired rows.
@Suite("Operations: backup, audit export, housekeeping", .heavy, .serialized, .timeLimit(.minutes(5)))
struct OperationsTests {
    @Test func backupOfARunningServerUnderWriteLoadIsConsistentAndTheAuditExports() async throws {
        guard ExternalTool.require("sqlite3", package: "sqlite3") != nil else { return }
        let deployment = try await Deployment.make("backup")
        defer { deployment.remove() }
        let stepup = ExternalTool.stepupBinary
        let server = try await RunningServer.start(arguments: ["--config", deployment.config])
        let load = DecisionLoad()
        var backups: [(path: String, acknowledgedBefore: Int)] = []
        try await withHTTPClient { client in
            let http = HTTP(base: server.baseURL, client: client)
            let token = try await deployment.signIn(http)
            let running = load.start(http, token: token, clients: 8)
            try await Task.sleep(for: .milliseconds(500))
            for round in 1...3 {
                let path = deployment.directory.appendingPathComponent("backup-\(round).sqlite").path
                let before = load.acknowledged
                let backup = try await ExternalTool.run(stepup, ["backup", path, "--config", deployment.config])
                #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
                backups.append((path, before))
                try await Task.sleep(for: .milliseconds(300))
            }
            running.cancel()
            _ = await running.result
        }
        #expect(load.acknowledged > 0, "the load wrote nothing (\(load.failures.withLock { $0 }) transport failures)")
        // An existing file is never overwritten.
        let again = try await ExternalTool.run(stepup, ["backup", backups[0].path, "--config", deployment.config])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"), "\(again.stderr)")

        for backup in backups {
            #expect(try await Deployment.sqlite(backup.path, "PRAGMA integrity_check") == "ok")
            let decisions = Int(try await Deployment.sqlite(
                backup.path, "SELECT COUNT(*) FROM audit_events WHERE type LIKE 'decision.%'")) ?? -1
            #expect(decisions >= backup.acknowledgedBefore,
                    "\(backup.path) lacks decisions acknowledged before the backup started")
            let verify = try await ExternalTool.run(stepup, ["audit", "verify", "--config",
                                                             try deployment.configuration(forDatabase: backup.path)])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            #expect(verify.stdout.contains("audit chain intact"))
        }

        // Export while the server still runs: every event, in order, one JSON object per line.
        let export = try await ExternalTool.run(stepup, ["audit", "export", "--since", "1h", "--format", "jsonl",
                                                         "--config", deployment.config])
        #expect(export.status == 0, "\(export.stderr)")
        let lines = export.stdout.split(separator: "\n")
        let stored = Int(try await Deployment.sqlite(deployment.database, "SELECT COUNT(*) FROM audit_events")) ?? -1
        #expect(lines.count == stored && stored > 0)
        let sequences = lines.compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["sequence"] as? Int
        }
        #expect(sequences == Array(1...max(1, stored)), "every line parses, in sequence order")
        let future = try await ExternalTool.run(stepup, ["audit", "export", "--since", "2100-01-01",
                                                         "--config", deployment.config])
        #expect(future.status == 0 && future.stdout.isEmpty)
        let wrong = try await ExternalTool.run(stepup, ["audit", "export", "--since", "yesterday",
                                                        "--config", deployment.config])
        #expect(wrong.status != 0 && wrong.stderr.contains("--since"))
        let status = await server.stop()
        let output = server.output
        let crash = output.range(of: "crashed").map { output[$0.lowerBound...].prefix(6_000) }
        #expect(status == 0, "stepup serve exited with \(status):\n\(crash ?? output.suffix(4_000))")
    }

    @Test func theHousekeeperPrunesExpiredRowsOfARunningServer() async throws {
        guard ExternalTool.require("sqlite3", package: "sqlite3") != nil else { return }
        let deployment = try await Deployment.make("housekeeping") {
            $0.replacingOccurrences(of: "  interval_seconds: 300", with: "  interval_seconds: 1")
                .replacingOccurrences(of: "  retention_seconds: 3600", with: "  retention_seconds: 0")
        }
        defer { deployment.remove() }
        let server = try await RunningServer.start(arguments: ["--config", deployment.config])
        try await withHTTPClient { client in
            let http = HTTP(base: server.baseURL, client: client)
            let token = try await deployment.signIn(http)
            let leftovers = """
                SELECT (SELECT COUNT(*) FROM sessions WHERE id = 'old-session')
                     + (SELECT COUNT(*) FROM challenges WHERE id = 'old-challenge')
                     + (SELECT COUNT(*) FROM throttle_failures WHERE throttle_key = 'old-key')
                     + (SELECT COUNT(*) FROM budget_units WHERE id = 'old-unit')
                """
            // Rows that ended long ago (1970), as a server running for years would leave behind; counted in the
            // transaction that writes them (the housekeeper runs every second and may prune them at once after).
            var remaining = try await Deployment.sqlite(deployment.database, """
                BEGIN IMMEDIATE;
                INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at)
                    SELECT 'old-session', 'old-hash', id, 1000, 1000, 2000 FROM users WHERE username = 'alice';
                INSERT INTO challenges (id, user_id, session_id, action, requirement, display, created_at, expires_at,
                    attempts_left, status, policy_version)
                    SELECT 'old-challenge', id, 'old-session', 'a', '{}', '{}', 1000, 1300, 5, 'pending', 'p'
                    FROM users WHERE username = 'alice';
                INSERT INTO throttle_failures (throttle_key, failed_at) VALUES ('old-key', 1000);
                INSERT INTO budget_units (budget_key, spent_at, id) VALUES ('old-budget', 1000, 'old-unit');
                \(leftovers);
                COMMIT;
                """)
            #expect(remaining == "4")
            let deadline = ContinuousClock.now + .seconds(15)
            while remaining != "0", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                remaining = try await Deployment.sqlite(deployment.database, leftovers)
            }
            #expect(remaining == "0", "the housekeeper did not prune the expired rows")
            // The live session survives, and still works.
            #expect(try await http.send(.GET, "/v1/sessions/current", token: token).status == 200)
            let metrics = try await http.send(.GET, "/metrics", token: deployment.metricsToken)
            for kind in ["sessions", "challenges", "failure_records", "budget_units"] {
                let line = metrics.body.split(separator: "\n").first {
                    $0.hasPrefix("stepup_housekeeping_pruned_rows_total{kind=\"\(kind)\"}")
                }
                let value = line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
                #expect(value >= 1, "metric for \(kind): \(line.map(String.init) ?? "missing")")
            }
            #expect(metrics.body.contains("stepup_housekeeping_runs_total{result=\"ok\"}"))
        }
        #expect(await server.stop() == 0)
    }
}
