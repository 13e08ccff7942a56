import Foundation
import StepUpCore
import StepUpStore
import Testing

@Suite("Maintenance, every backend", .timeLimit(.minutes(5)))
struct MaintenanceConformanceTests {
    @Test(arguments: Backend.allCases)
    func pruneRemovesOnlyWhatEndedBeforeTheCutoff(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let stores = harness.stores
            try await makeUser(stores)
            let event = AuthenticationEvent(id: "e1", factor: .password, at: t0)
            try await stores.sessions.createSession(
                Session(id: "old", userID: "u1", createdAt: t0, expiresAt: at(10), events: [event]), tokenHash: "t1")
            try await stores.sessions.createSession(
                Session(id: "revoked", userID: "u1", createdAt: t0, expiresAt: at(1_000)), tokenHash: "t2")
            try await stores.sessions.revokeSession(id: "revoked", at: at(20))
            try await stores.sessions.createSession(
                Session(id: "live", userID: "u1", createdAt: t0, expiresAt: at(1_000)), tokenHash: "t3")
            for (id, expiry) in [("c-old", 10.0), ("c-live", 1_000)] {
                try await stores.challenges.createChallenge(Challenge(
                    id: id, userID: "u1", sessionID: "live", action: "a", requirement: Requirement(level: "aal2"),
                    createdAt: t0, expiresAt: at(expiry), policyVersion: "p"))
            }
            try await stores.throttle.recordFailure(key: "k", at: at(5))
            try await stores.throttle.recordFailure(key: "k", at: at(500))
            try await stores.audit.append(AuditEventDraft(type: "kept", at: t0))
            _ = try await stores.budgets.spend(key: "b", limit: 5, window: 1_000, at: at(5))
            _ = try await stores.budgets.spend(key: "b", limit: 5, window: 1_000, at: at(500))

            let report = try await harness.maintenance.pruneExpired(before: at(100))
            #expect(report == PruneReport(sessions: 2, challenges: 1, throttleFailures: 1, budgetUnits: 1))
            guard case .spent(_, let remaining) = try await stores.budgets.spend(key: "b", limit: 5, window: 1_000,
                                                                                  at: at(501)) else {
                Issue.record("the budget should have room")
                return
            }
            #expect(remaining == 3, "the unit spent at 500 is kept, the one at 5 (still inside the window) is pruned")
            #expect(try await stores.sessions.session(tokenHash: "t1") == nil)
            #expect(try await stores.sessions.session(id: "revoked") == nil)
            #expect(try await stores.sessions.session(tokenHash: "t3")?.id == "live")
            #expect(try await stores.challenges.challenge(id: "c-old") == nil)
            #expect(try await stores.challenges.challenge(id: "c-live") != nil)
            #expect(try await stores.throttle.failureCount(key: "k", since: .distantPast) == 1)
            #expect(try await stores.audit.auditEvents(after: 0, limit: 10).count == 1)
            #expect(try await harness.maintenance.verifyAuditChain().isIntact)
        }
    }
}
