import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

/// Two stores on one file stand in for two processes (the server and the CLI, or two instances): the guarantees
/// must come from SQL, not from one process's writer queue.
@Suite("SQLite file shared by two stores", .timeLimit(.minutes(5)))
struct SQLiteSharedFileTests {
    @Test func replayGuardAndAuditChainHoldAcrossStores() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shared.sqlite").path
            try await withTwoStores(try await SQLStore.openSQLite(path: path), try await SQLStore.openSQLite(path: path)) {
                try await expectReplayGuardAndOneChain([$0, $1], appends: 30)
            }
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
