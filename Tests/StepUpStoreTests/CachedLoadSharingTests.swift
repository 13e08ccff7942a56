import Foundation
import StepUpCore
import StepUpTestSupport
import Synchronization
import Testing
@testable import StepUpStore

/// Concurrent misses of one cache entry share one database read — but never one that began before something was
/// dropped, which could hand a request a value older than a change it must see.
@Suite("Cache loads shared by concurrent misses", .timeLimit(.minutes(5)))
struct CachedLoadSharingTests {
    /// A load that counts its runs and waits until the test lets it finish.
    final class GatedLoad: Sendable {
        let runs = Atomic<Int>(0)
        let asked = Atomic<Int>(0)
        private let gate = Mutex<[CheckedContinuation<Void, Never>]>([])
        private let open = Atomic<Bool>(false)

        func load(_ value: Int) async -> Int {
            runs.add(1, ordering: .relaxed)
            await withCheckedContinuation { continuation in
                let waits = gate.withLock { waiting -> Bool in
                    guard !open.load(ordering: .acquiring) else { return false }
                    waiting.append(continuation)
                    return true
                }
                if !waits { continuation.resume() }
            }
            return value
        }

        func release() {
            open.store(true, ordering: .releasing)
            for waiting in gate.withLock({ waiting in defer { waiting = [] }; return waiting }) { waiting.resume() }
        }
    }

    func withCache(_ body: (CachedStores) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLStore.openSQLite(path: directory.appendingPathComponent("c.sqlite").path)
            do {
                try await body(try await CachedStores(backend: store.stores, feed: store))
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        }
    }

    /// Asks for key `k` (never cached: `lookup` always misses) through `gated`, counting the asks.
    func ask(_ cache: CachedStores, _ gated: GatedLoad, value: Int) async throws -> Int {
        try await cache.cached({ _ -> Int? in
            gated.asked.add(1, ordering: .relaxed)
            return nil
        }, key: "k", load: { await gated.load(value) }, fill: { _, _ in })
    }

    func waitUntil(_ condition: () -> Bool) async throws {
        while !condition() { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func twentyConcurrentMissesReadOnce() async throws {
        try await withCache { cache in
            let gated = GatedLoad()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 { group.addTask { try await ask(cache, gated, value: 7) } }
                try await waitUntil { gated.asked.load(ordering: .relaxed) == 20 }
                gated.release()
                var answers: [Int] = []
                for try await answer in group { answers.append(answer) }
                #expect(answers == Array(repeating: 7, count: 20))
            }
            #expect(gated.runs.load(ordering: .relaxed) == 1, "one read for twenty misses")
            #expect(cache.state.withLock { $0.loads.isEmpty }, "the finished load is forgotten")
        }
    }

    @Test func aMissAfterADropNeverJoinsALoadThatBeganBeforeIt() async throws {
        try await withCache { cache in
            let before = GatedLoad()
            let first = Task { try await ask(cache, before, value: 1) }
            try await waitUntil { before.runs.load(ordering: .relaxed) == 1 }
            // A change is dropped while that read is under way: a later miss must read again.
            cache.drop { _ in }
            let after = GatedLoad()
            after.release()
            #expect(try await ask(cache, after, value: 2) == 2)
            #expect(after.runs.load(ordering: .relaxed) == 1, "it read for itself")
            before.release()
            #expect(try await first.value == 1)
        }
    }
}
