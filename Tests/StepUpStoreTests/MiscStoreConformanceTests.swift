import Foundation
import StepUpCore
import StepUpStore
import StepUpTestSupport
import Testing

@Suite("Throttle, risk history and address rules, every backend", .timeLimit(.minutes(5)))
struct MiscStoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func throttleCountsFailuresInsideTheWindow(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let throttle = harness.stores.throttle
            for second in [0.0, 10, 20, 30] { try await throttle.recordFailure(key: "user:alice", at: at(second)) }
            try await throttle.recordFailure(key: "ip:192.0.2.1", at: at(25))
            #expect(try await throttle.failureCount(key: "user:alice", since: at(0)) == 4)
            #expect(try await throttle.failureCount(key: "user:alice", since: at(15)) == 2)
            #expect(try await throttle.failureCount(key: "user:alice", since: at(31)) == 0)
            #expect(try await throttle.failureCount(key: "ip:192.0.2.1", since: at(0)) == 1)
            #expect(try await throttle.failureCount(key: "nobody", since: at(0)) == 0)
            try await throttle.clearFailures(key: "user:alice")
            #expect(try await throttle.failureCount(key: "user:alice", since: at(0)) == 0)
            #expect(try await throttle.failureCount(key: "ip:192.0.2.1", since: at(0)) == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func throttlePrunesRowsOlderThanAWeek(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let throttle = harness.stores.throttle
            try await throttle.recordFailure(key: "k", at: t0)
            try await throttle.recordFailure(key: "k", at: at(8 * 86_400))
            #expect(try await throttle.failureCount(key: "k", since: .distantPast) == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentFailuresAreAllCounted(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let throttle = harness.stores.throttle
            _ = try await race(30) { index in try await throttle.recordFailure(key: "k", at: at(Double(index))) }
            #expect(try await throttle.failureCount(key: "k", since: t0) == 30)
        }
    }

    @Test(arguments: Backend.allCases)
    func riskHistoryBlobIsStoredAndReplaced(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let history = harness.stores.riskHistory
            #expect(try await history.riskHistory(userID: "u1") == nil)
            let blob = Data((0...255).map { UInt8($0) })
            try await history.saveRiskHistory(userID: "u1", blob)
            #expect(try await history.riskHistory(userID: "u1") == blob)
            try await history.saveRiskHistory(userID: "u1", Data("{\"countries\":[\"DE\"]}".utf8))
            #expect(try await history.riskHistory(userID: "u1") == Data("{\"countries\":[\"DE\"]}".utf8))
            #expect(try await history.riskHistory(userID: "u2") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func addressRulesUpsertListAndRemove(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let rules = harness.stores.addressRules
            let office = AddressRule(cidr: "198.51.100.0/24", verdict: .trusted, note: "office", createdAt: t0)
            let bad = AddressRule(cidr: "203.0.113.9", verdict: .blocked, createdAt: at(1))
            try await rules.setAddressRule(bad)
            try await rules.setAddressRule(office)
            #expect(try await rules.addressRules() == [office, bad])
            let flipped = AddressRule(cidr: "198.51.100.0/24", verdict: .blocked, note: "compromised", createdAt: at(2))
            try await rules.setAddressRule(flipped)
            #expect(try await rules.addressRules() == [flipped, bad])
            try await rules.removeAddressRule(cidr: "203.0.113.9")
            try await rules.removeAddressRule(cidr: "2001:db8::/32")
            #expect(try await rules.addressRules() == [flipped])
        }
    }
}
