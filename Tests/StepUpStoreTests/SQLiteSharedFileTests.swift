import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

/// Two stores on one file stand in for two processes (the server and the CLI, or two instances): the guarantees
/// must come from SQL, not from one process's writer queue.
@Suite("SQLite file shared by two stores", .timeLimit(.minutes(3)))
struct SQLiteSharedFileTests {
    @Test func replayGuardAndAuditChainHoldAcrossStores() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shared.sqlite").path
            let first = try await SQLStore.openSQLite(path: path)
            let second = try await SQLStore.openSQLite(path: path)
            let stores = [first, second]
            try await makeUser(first.stores)
            try await first.addFactor(FactorRecord(id: "f1", userID: "u1", kind: .totp, label: "phone", createdAt: t0))

            let wins = try await race(20) { index in
                try await stores[index % 2].recordAcceptedStep(factorID: "f1", step: 7, at: t0)
            }
            #expect(wins.filter { $0 }.count == 1)

            let events = try await race(30) { index in
                try await stores[index % 2].append(AuditEventDraft(type: "race", at: at(Double(index))))
            }
            #expect(Set(events.map(\.sequence)) == Set(1...30))
            #expect(try await first.verifyAuditChain() == AuditChainReport(checkedEvents: 30))
            #expect(try await second.verifyAuditChain() == AuditChainReport(checkedEvents: 30))
            await first.shutdown()
            await second.shutdown()
        }
    }

    @Test func cancelledWritesLeaveTheStoreUsable() async throws {
        try await withBackend(.sqlite) { harness in
            let audit = harness.stores.audit
            let doomed = Task {
                try await race(20) { index in
                    try await audit.append(AuditEventDraft(type: "doomed", at: at(Double(index))))
                }
            }
            doomed.cancel()
            _ = try? await doomed.value
            let next = try await audit.append(AuditEventDraft(type: "after", at: at(100)))
            #expect(try await harness.verifyChain() == AuditChainReport(checkedEvents: Int(next.sequence)))
        }
    }
}
