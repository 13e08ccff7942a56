import Foundation
import Testing
@testable import StepUpCore

/// Issue #8 item 16: a name in the risk section that nothing defines is an error, not a silently dead signal.
@Suite("Policy risk list names", .timeLimit(.minutes(5)))
struct PolicyRiskListsTests {
    static func yaml(networks: String = "[hosting]", lists: String? = nil) -> String {
        var text = """
        default: allow
        networks:
          vpn: [100.64.0.0/10, "2001:db8::/32"]
        rules:
          - {id: office, match: {network: vpn}, require: aal2}
        risk:
          signals:
            anonymizing_network: {networks: \(networks)}

        """
        if let lists { text += "    ip_reputation: {lists: \(lists)}\n" }
        return text
    }

    static func errors(_ yaml: String, lists: Set<String>?) -> [String] {
        Policy.check(yaml: yaml, file: "p.yaml", reputationLists: lists).diagnostics.errors.map(\.description)
    }

    @Test func namesResolveToConfiguredListsNetworksAndBlocks() throws {
        let policy = try Policy.load(yaml: Self.yaml(networks: "[hosting, vpn, 192.0.2.0/24]", lists: "[tor_exits]"),
                                     file: "p.yaml", reputationLists: ["hosting", "tor_exits"])
        #expect(policy.warnings.isEmpty, "\(policy.warnings)")
        #expect(policy.risk.strings("networks", of: "anonymizing_network")
            == ["hosting", "100.64.0.0/10", "2001:db8::/32", "192.0.2.0/24"])
        #expect(policy.risk.strings("lists", of: "ip_reputation") == ["tor_exits"])
    }

    @Test func aTypoInNetworksIsAnError() {
        #expect(Self.errors(Self.yaml(networks: "[hostng]"), lists: ["hosting", "tor_exits"]) == [
            "p.yaml:8:38: error: 'hostng' in anonymizing_network.networks is neither a CIDR network, nor a network "
                + "under 'networks', nor a reputation list (lists: hosting, tor_exits)",
        ])
        #expect(Self.errors(Self.yaml(networks: "[hostng]"), lists: []) == [
            "p.yaml:8:38: error: 'hostng' in anonymizing_network.networks is neither a CIDR network, nor a network "
                + "under 'networks', nor a reputation list (none are configured in network.reputation_lists)",
        ])
    }

    @Test func withoutTheConfigurationAListNameIsAnErrorThatSaysToPassIt() {
        let errors = Self.errors(Self.yaml(), lists: nil)
        #expect(errors == [
            "p.yaml:8:38: error: 'hosting' in anonymizing_network.networks is neither a CIDR network, nor a network "
                + "under 'networks', nor a known reputation list; if it is one of network.reputation_lists, pass "
                + "--config with the server configuration so its names are known",
        ])
        // Networks and blocks need no configuration.
        #expect(Self.errors(Self.yaml(networks: "[vpn, 10.0.0.0/8]"), lists: nil).isEmpty)
    }

    @Test func reputationListsMustNameConfiguredLists() {
        let lists: Set<String> = ["hosting", "tor_exits"]
        #expect(Self.errors(Self.yaml(lists: "[tor_exit]"), lists: lists) == [
            "p.yaml:9:29: error: 'tor_exit' in ip_reputation.lists is not a reputation list "
                + "(lists: hosting, tor_exits)",
        ])
        #expect(Self.errors(Self.yaml(lists: "[vpn]"), lists: lists) == [
            "p.yaml:9:29: error: ip_reputation.lists names reputation lists, and 'vpn' is a network; put it in "
                + "anonymizing_network.networks or in a rule's 'network' condition instead",
        ])
        #expect(Self.errors(Self.yaml(networks: "[vpn]", lists: "[tor_exits]"), lists: nil).count == 1)
    }

    @Test func aNameThatIsBothANetworkAndAListIsAmbiguous() {
        #expect(Self.errors(Self.yaml(networks: "[vpn]"), lists: ["vpn"]) == [
            "p.yaml:8:38: error: 'vpn' in anonymizing_network.networks is both a network under 'networks' and a "
                + "reputation list; rename one of them",
        ])
    }

    @Test func theCLIAndReloadsCheckAgainstTheConfiguredLists() {
        let yaml = Self.yaml()
        #expect(PolicyCLI.check(yaml: yaml, file: "p.yaml").exitCode == 1)
        #expect(PolicyCLI.check(yaml: yaml, file: "p.yaml").text.contains("pass --config"))
        #expect(PolicyCLI.check(yaml: yaml, file: "p.yaml", reputationLists: ["hosting"]).exitCode == 0)
        let request = #"{"action":"app.do"}"#
        #expect(PolicyCLI.explain(yaml: yaml, file: "p.yaml", request: request, now: PolicyFixture.now).exitCode == 1)
        #expect(PolicyCLI.explain(yaml: yaml, file: "p.yaml", request: request, now: PolicyFixture.now,
                                  reputationLists: ["hosting"]).exitCode == 0)
        let cases = "cases:\n  - {name: any, action: app.do, expect: {outcome: allow}}\n"
        #expect(PolicyCLI.test(yaml: yaml, file: "p.yaml", cases: cases, casesFile: "c.yaml", now: PolicyFixture.now,
                               reputationLists: ["hosting"]).exitCode == 0)

        let holder = PolicyHolder(Policy.defaultPolicy()!, reputationLists: ["hosting"])
        #expect(holder.reload(yaml: yaml, file: "p.yaml").applied)
        #expect(!holder.reload(yaml: yaml, file: "p.yaml", reputationLists: ["tor_exits"]).applied)
        #expect(holder.reputationLists == ["hosting"])
        #expect(holder.reload(yaml: Self.yaml(networks: "[tor_exits]"), file: "p.yaml", reputationLists: ["tor_exits"])
            .applied)
        #expect(holder.reputationLists == ["tor_exits"])
    }
}
