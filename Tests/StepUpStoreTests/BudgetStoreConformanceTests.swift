import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("Guess budgets, every backend", .timeLimit(.minutes(5)))
struct BudgetStoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func spendsUpToTheLimitThenSaysWhenToRetry(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let budgets = harness.stores.budgets
            for expected in (0..<3).reversed() {
                let spend = try await budgets.spend(key: "k", limit: 3, window: 60, at: at(10))
                guard case .spent(_, let remaining) = spend else {
                    Issue.record("expected a spend, got \(spend)")
                    return
                }
                #expect(remaining == expected)
            }
            #expect(try await budgets.spend(key: "k", limit: 3, window: 60, at: at(20)) == .exhausted(retryAfter: 50))
            // Another key has its own budget; the window slides.
            #expect(try await budgets.spend(key: "other", limit: 3, window: 60, at: at(20)).receipt != nil)
            #expect(try await budgets.spend(key: "k", limit: 3, window: 60, at: at(70)).receipt != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func aRefundGivesTheUnitBackOnce(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let budgets = harness.stores.budgets
            let receipt = try #require(try await budgets.spend(key: "k", limit: 1, window: 60, at: t0).receipt)
            #expect(try await budgets.spend(key: "k", limit: 1, window: 60, at: t0).receipt == nil)
            try await budgets.refund(receipt)
            try await budgets.refund(receipt)
            let again = try #require(try await budgets.spend(key: "k", limit: 1, window: 60, at: t0).receipt)
            #expect(again != receipt)
            // A refund of a receipt for another key changes nothing.
            try await budgets.refund(BudgetReceipt(key: "elsewhere", id: again.id))
            #expect(try await budgets.spend(key: "k", limit: 1, window: 60, at: t0).receipt == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func racingGuessesNeverOverspend(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let budgets = harness.stores.budgets
            let results = try await race(40) { _ in
                try await budgets.spend(key: "code:u1", limit: 10, window: 900, at: t0)
            }
            #expect(results.compactMap(\.receipt).count == 10)
            #expect(Set(results.compactMap(\.receipt).map(\.id)).count == 10)
        }
    }

    @Test(arguments: Backend.allCases)
    func aNonceWorksOnceHoweverManyRace(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let budgets = harness.stores.budgets
            let uses = try await race(8) { _ in try await budgets.useOnce("nonce:abc", lifetime: 300, at: t0) }
            #expect(uses.filter { $0 }.count == 1)
            #expect(try await budgets.useOnce("nonce:abc", lifetime: 300, at: at(299)) == false)
        }
    }

    /// Two stores on one file stand in for two processes: the limit comes from SQL, not one writer queue.
    @Test func racingProcessesNeverOverspend() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("shared.sqlite").path
            let first = try await SQLStore.openSQLite(path: path)
            let second = try await SQLStore.openSQLite(path: path)
            let stores = [first, second]
            let results = try await race(30) { index in
                try await stores[index % 2].spend(key: "login:alice", limit: 7, window: 3_600, at: t0)
            }
            #expect(results.compactMap(\.receipt).count == 7)
            await first.shutdown()
            await second.shutdown()
        }
    }
}
