import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

/// Runs `body` with two stores on one database (two processes, or two instances), shutting both down however
/// it ends.
func withTwoStores(_ first: SQLStore, _ second: SQLStore, _ body: (SQLStore, SQLStore) async throws -> Void)
    async throws
{
    do {
        try await body(first, second)
    } catch {
        await first.shutdown()
        await second.shutdown()
        throw error
    }
    await first.shutdown()
    await second.shutdown()
}

/// Races the same code's step through both stores (exactly one wins) and `appends` audit appends spread over
/// both (one unbroken chain, seen alike by both).
func expectReplayGuardAndOneChain(_ stores: [SQLStore], appends: Int) async throws {
    try await makeUser(stores[0].stores)
    try await stores[0].addFactor(FactorRecord(id: "f1", userID: "u1", kind: .totp, label: "phone", createdAt: t0))
    let wins = try await race(20) { index in
        try await stores[index % 2].recordAcceptedStep(factorID: "f1", step: 7, at: t0)
    }
    #expect(wins.filter { $0 }.count == 1)
    let events = try await race(appends) { index in
        try await stores[index % 2].append(AuditEventDraft(type: "race", at: at(Double(index))))
    }
    #expect(Set(events.map(\.sequence)) == Set(1...Int64(appends)))
    for store in stores {
        #expect(try await store.verifyAuditChain() == AuditChainReport(checkedEvents: appends))
    }
}
