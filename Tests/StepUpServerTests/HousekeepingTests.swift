import Foundation
import Logging
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

@Suite("Housekeeping and its configuration", .timeLimit(.minutes(5)))
struct HousekeepingTests {
    /// Pruning with a retention of zero must still keep every spent guess inside the window that counts it:
    /// otherwise each prune would hand an attacker a fresh budget.
    @Test func pruningNeverHandsOutFreshGuesses() async throws {
        let harness = try TestHarness { $0.housekeeping.retention = 0 }
        let stores = harness.store.stores
        let now = harness.clock.now
        let window = harness.service.configuration.login.failureWindow
        for _ in 0..<3 {
            _ = try await stores.budgets.spend(key: "login.account:alice", limit: 3, window: window,
                                               at: now.addingTimeInterval(-600))
        }
        try await stores.credentials.createUser(UserRecord(id: "u1", username: "alice", displayName: "Alice",
                                                           roles: [], disabled: false, createdAt: now),
                                                passwordHash: nil)
        try await stores.sessions.createSession(
            Session(id: "old", userID: "u1", createdAt: now.addingTimeInterval(-172_800),
                    expiresAt: now.addingTimeInterval(-86_400)), tokenHash: "old-token")
        let keeper = Housekeeper(maintenance: harness.store, service: harness.service, logger: Logger(label: "test"),
                                 now: { harness.clock.now })

        let report = try #require(await keeper.pruneOnce())
        #expect(report.sessions == 1)
        #expect(report.budgetUnits == 0)
        guard case .exhausted = try await stores.budgets.spend(key: "login.account:alice", limit: 3, window: window,
                                                               at: now) else {
            Issue.record("pruning handed out a fresh guess")
            return
        }

        // Once the window has passed they are pruned, and counted in the metric.
        harness.clock.advance(window)
        let later = try #require(await keeper.pruneOnce())
        #expect(later.budgetUnits == 3)
        let metrics = harness.service.metrics.exposition()
        #expect(metrics.contains("stepup_housekeeping_pruned_rows_total{kind=\"sessions\"} 1"), "\(metrics)")
        #expect(metrics.contains("stepup_housekeeping_pruned_rows_total{kind=\"budget_units\"} 3"))
        #expect(metrics.contains("stepup_housekeeping_runs_total{result=\"ok\"} 2"))
    }

    @Test func timeoutsAndHousekeepingAreConfigurableAndChecked() throws {
        let config = try ConfigFile.parse("""
            server:
              header_timeout_seconds: 5
              idle_timeout_seconds: 120
              request_timeout_seconds: 45
              shutdown_timeout_seconds: 7
            housekeeping:
              interval_seconds: 60
              retention_seconds: 7200
            """, file: "stepup.yaml")
        #expect(config.http.headerTimeout == 5 && config.http.idleTimeout == 120 && config.http.requestTimeout == 45)
        #expect(config.http.shutdownTimeout == 7)
        #expect(config.housekeeping.interval == 60 && config.housekeeping.retention == 7_200)
        let defaults = ServerConfiguration()
        #expect(defaults.http.headerTimeout == 10 && defaults.http.idleTimeout == 60 && defaults.http.requestTimeout == 30)
        #expect(defaults.http.shutdownTimeout == 20)

        for (text, line) in [("server:\n  header_timeout_seconds: 0\n", 2), ("housekeeping:\n  interval_seconds: 0\n", 2),
                             ("server:\n  shutdown_timeout_seconds: 0\n", 2),
                             ("housekeeping:\n  every: 5\n", 2)] {
            do {
                _ = try ConfigFile.parse(text, file: "stepup.yaml")
                Issue.record("accepted: \(text)")
            } catch let error as ConfigError {
                #expect(error.line == line, "\(error)")
                #expect(error.description.hasPrefix("stepup.yaml:\(line):"))
            }
        }
    }
}
