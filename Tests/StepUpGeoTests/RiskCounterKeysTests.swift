import Foundation
import StepUpCore
import StepUpGeo
import Testing

@Suite(.timeLimit(.minutes(5))) struct RiskCounterKeysTests {
    @Test func keysBucketIPv6By64() {
        #expect(RiskCounterKeys.address("192.0.2.7") == "risk.addr:192.0.2.7")
        #expect(RiskCounterKeys.address("::ffff:192.0.2.7") == "risk.addr:192.0.2.7")
        #expect(RiskCounterKeys.address("2001:db8:1:2:aaaa::1") == RiskCounterKeys.address("2001:db8:1:2:bbbb::9"))
        #expect(RiskCounterKeys.address("2001:db8:1:2::1") == "risk.addr:2001:db8:1:2::/64")
        #expect(RiskCounterKeys.pair("192.0.2.7", "Alice") == "risk.pair:192.0.2.7:alice")
    }

    @Test func distinctUsernameRecipeCountsEachNameOnce() async throws {
        // An in-memory stand-in for ThrottleStore: the recipe only needs record and count.
        var events: [String: [Date]] = [:]
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let settings = RiskSettings()
        for (offset, name) in ["alice", "bob", "Alice", "carol", "bob"].enumerated() {
            let at = now.addingTimeInterval(Double(offset))
            let pair = RiskCounterKeys.pair("192.0.2.7", name)
            if events[pair, default: []].filter({ $0 >= at.addingTimeInterval(-600) }).isEmpty {
                events[RiskCounterKeys.usernames("192.0.2.7"), default: []].append(at)
            }
            events[pair, default: []].append(at)
            events[RiskCounterKeys.address("192.0.2.7"), default: []].append(at)
        }
        let snapshot = events
        let counters = try await RiskCounterKeys.counters(userID: "u1", ip: "192.0.2.7", settings: settings,
                                                          now: now.addingTimeInterval(10)) { key, since in
            snapshot[key, default: []].filter { $0 >= since }.count
        }
        #expect(counters == RiskCounters(userFailures: 0, addressFailures: 5, distinctUsernames: 3))
    }
}
