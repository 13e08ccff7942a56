import Foundation
import HTTPTypes
import StepUpCore
import StepUpGeo
import StepUpStore
import Testing
@testable import StepUpServer

/// Items 8, 11, 14 and 16 of issue #8: one request context, every setting in force, least exposure, no silent
/// policy mistakes.
@Suite("The request context and what it exposes", .timeLimit(.minutes(5)))
struct ContextAttackTests {
    /// 1.x.x.x is in the US, 2.x.x.x in France.
    static func locator() throws -> CountryRangeLocator {
        try CountryRangeLocator(csv: [("16777216,33554431,US\n33554432,50331647,FR\n", "test")])
    }

    static let countryPolicy = Policy.demoYAML.replacingOccurrences(of: "rules:\n", with: """
    rules:
      - id: no-exports-from-fr
        match: {action: "bank.export", context: {country: FR}}
        deny: Exports are not available from France.

    """)

    /// Item 8: the country GeoIP finds reaches the policy (no CDN header involved).
    @Test func theGeoIPCountryReachesThePolicy() async throws {
        try await AdversaryServer.with(policyYAML: Self.countryPolicy, locator: try Self.locator()) { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret, ip: "2.2.2.2")
            let export = try await client.decide(owner.token, "bank.export", ip: "2.2.2.2")
            #expect(export.json["decision"] as? String == "deny", "\(export.text)")
            #expect((export.json["rules"] as? [String])?.contains("no-exports-from-fr") == true)
            let audited = try await server.audit("decision.deny").last
            #expect(audited?.event.details["country"] == "FR")
        }
    }

    /// Item 14: `/metrics` wants its token; callers see signal names and the band, not the evidence.
    @Test func metricsAndEvidenceAreNotForEveryone() async throws {
        try await AdversaryServer.with(locator: try Self.locator()) { server, client in
            let secret = try #require(try await server.user())
            try await server.user("root", password: "root's long password", roles: ["admin"], totp: false)
            let owner = try await client.fullSignIn(server, secret: secret, ip: "1.1.1.1")
            server.clock.advance(3_600)
            let abroad = try await client.decide(owner.token, "bank.balance.view", ip: "2.2.2.2")
            let risk = try #require(abroad.json["risk"] as? [String: Any], "\(abroad.text)")
            let signals = try #require(risk["signals"] as? [[String: Any]])
            #expect(signals.contains { $0["name"] as? String == "new_country" })
            #expect(signals.allSatisfy { $0["evidence"] == nil && $0["weight"] == nil })
            #expect(risk["score"] == nil)
            #expect(signals.allSatisfy { Set($0.keys) == ["name"] }, "signals carry only their names: \(abroad.text)")
            // Random identifiers may contain any letters; only the values a person reads must be free of evidence.
            let readable = Self.strings(in: abroad.json, skipping: ["id", "decision_id", "page_url", "verify_url"])
            #expect(!readable.contains { $0.contains("km") || $0.contains("FR") },
                    "no distances or places for the caller: \(abroad.text)")
            let audited = try #require(try await server.audit("decision.step_up").last)
            #expect(audited.event.details["risk_signals"]?.contains("FR") == true, "the audit log has the evidence")
            #expect(try await client.send(.get, "/metrics").status == .unauthorized)
            #expect(try await client.send(.get, "/metrics", token: "wrong-token-wrong-token").status == .unauthorized)
            let metrics = try await client.send(.get, "/metrics", token: AdversaryServer.metricsToken)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("stepup_logins_total"))

        }
    }

    /// Every string value in a decoded JSON document, except under the named keys.
    static func strings(in value: Any, skipping keys: Set<String>) -> [String] {
        switch value {
        case let text as String: return [text]
        case let array as [Any]: return array.flatMap { strings(in: $0, skipping: keys) }
        case let object as [String: Any]:
            return object.filter { !keys.contains($0.key) }.flatMap { [$0.key] + strings(in: $0.value, skipping: keys) }
        default: return []
        }
    }

    /// Item 11 and "every configuration key takes effect": a table of settings, each changing what it names.
    @Test(arguments: ConfigEffect.all)
    func everySettingTakesEffect(_ effect: ConfigEffect) async throws {
        try await AdversaryServer.with(configure: effect.configure) { server, client in
            try await effect.check(server, client)
        }
    }

    /// Item 16: a network name that is neither a list, a named network nor a CIDR is an error with its place.
    @Test func unknownNetworkNamesAreErrors() throws {
        let yaml = Policy.demoYAML.replacingOccurrences(
            of: "risk:\n  thresholds:",
            with: "risk:\n  signals:\n    anonymizing_network: {networks: [tor_exits, 10.0.0.0/8]}\n  thresholds:")
        #expect(yaml != Policy.demoYAML)
        #expect(throws: PolicyError.self) { try Policy.load(yaml: yaml, file: "p.yaml", reputationLists: []) }
        let (_, diagnostics) = Policy.check(yaml: yaml, file: "p.yaml", reputationLists: [])
        let text = diagnostics.description
        #expect(text.contains("p.yaml:") && text.contains("tor_exits") && text.contains("error"), "\(text)")
        #expect(throws: Never.self) { try Policy.load(yaml: yaml, file: "p.yaml", reputationLists: ["tor_exits"]) }
    }
}
