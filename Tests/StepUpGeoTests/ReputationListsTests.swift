import Foundation
import StepUpCore
import StepUpGeo
import Testing

@Suite(.timeLimit(.minutes(5))) struct ReputationListsTests {
    @Test func reloadSwapsListsAndKeepsOldOnError() throws {
        try TestSupport.withTemporaryDirectory { directory in
            let tor = try TestSupport.file("tor.txt", "185.220.101.1\n185.220.102.0/24\n", in: directory)
            let hosting = try TestSupport.file("hosting.txt", "# hosting\n203.0.113.0/24\n", in: directory)
            let lists = ReputationLists(sources: [
                .init(name: "tor_exits", path: tor), .init(name: "hosting", path: hosting),
            ])
            #expect(lists.hits(for: "185.220.101.1").isEmpty)  // nothing before the first load
            let first = lists.reload()
            #expect(first.loaded == ["tor_exits": 2, "hosting": 1])
            #expect(lists.hits(for: "185.220.102.9") == ["tor_exits"])
            #expect(lists.hits(for: "203.0.113.9") == ["hosting"])

            try "198.51.100.0/24\n".write(toFile: tor, atomically: true, encoding: .utf8)
            try "broken line\n".write(toFile: hosting, atomically: true, encoding: .utf8)
            let second = lists.reload()
            #expect(second.loaded == ["tor_exits": 1])
            #expect(second.failed["hosting"]?.contains(":1:") == true)
            #expect(lists.hits(for: "185.220.102.9").isEmpty)
            #expect(lists.hits(for: "198.51.100.1") == ["tor_exits"])
            #expect(lists.hits(for: "203.0.113.9") == ["hosting"])  // kept from the last good load
        }
    }

    @Test func concurrentLookupsDuringReloads() async throws {
        try await TestSupport.withTemporaryDirectory { directory in
            let path = try TestSupport.file("a.txt", "192.0.2.0/24\n", in: directory)
            let lists = ReputationLists(sources: [.init(name: "a", path: path)])
            lists.reload()
            await withTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        var allHit = true
                        for _ in 0..<2000 {
                            if index == 0 { lists.reload() }
                            allHit = allHit && lists.hits(for: "192.0.2.7") == ["a"]
                        }
                        return allHit
                    }
                }
                for await allHit in group { #expect(allHit) }
            }
        }
    }

    @Test func classifierSplitsReputationFromAnonymising() throws {
        let lists = ReputationLists(lists: [
            "tor_exits": try CIDRSet(parsing: ["185.220.101.1"]),
            "spam": try CIDRSet(parsing: ["185.220.101.0/24"]),
            "hosting": try CIDRSet(parsing: ["185.220.0.0/16"]),
        ])
        var settings = RiskSettings()
        settings.signals["anonymizing_network"] = SignalSettings(
            weight: 40, parameters: ["networks": .list([.string("hosting"), .string("100.64.0.0/10")])]
        )
        let classifier = NetworkClassifier(settings: settings)
        let address = try #require(IPAddress("185.220.101.1"))
        let hits = classifier.classify(address, lists: lists)
        #expect(hits.reputation == ["spam", "tor_exits"])
        #expect(hits.anonymizing == ["hosting"])
        #expect(classifier.classify(try #require(IPAddress("100.64.1.1")), lists: lists).anonymizing == ["networks"])

        settings.signals["ip_reputation"] = SignalSettings(
            weight: 50, parameters: ["lists": .list([.string("tor_exits")])]
        )
        #expect(NetworkClassifier(settings: settings).classify(address, lists: lists).reputation == ["tor_exits"])
    }
}

@Suite(.timeLimit(.minutes(5))) struct AddressRuleSetTests {
    @Test func blockedWinsAndInvalidRulesAreReported() {
        let at = Date(timeIntervalSince1970: 0)
        let rules = AddressRuleSet(rules: [
            AddressRule(cidr: "10.0.0.0/8", verdict: .trusted, createdAt: at),
            AddressRule(cidr: "10.6.6.6", verdict: .blocked, createdAt: at),
            AddressRule(cidr: "2001:db8::/32", verdict: .blocked, createdAt: at),
            AddressRule(cidr: "bogus", verdict: .trusted, createdAt: at),
        ])
        #expect(rules.verdict(for: "10.1.2.3") == .trusted)
        #expect(rules.verdict(for: "10.6.6.6") == .blocked)
        #expect(rules.verdict(for: "2001:db8::1") == .blocked)
        #expect(rules.verdict(for: "192.0.2.1") == nil)
        #expect(rules.verdict(for: nil) == nil)
        #expect(rules.invalid == ["bogus"])
    }
}
