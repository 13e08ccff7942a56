import Foundation
import Testing
@testable import StepUpCore

@Suite("Policy levels and inputs", .timeLimit(.minutes(5)))
struct PolicyLevelsTests {
    @Test func customLadderWithRanksAliasesAndFlags() throws {
        let policy = try Policy.load(yaml: """
        levels:
          gold:
            rank: 30
            acr: https://acme.example/acr/gold
            acr_aliases: [g]
            combinations: [[{factors: [webauthn], hardware_bound: true}, password]]
            max_age: 1h
            idle_timeout: 5m
          bronze: {rank: 10, combinations: [[any]], max_age: 30d, idle_timeout: 7d}
          silver: {rank: 20, combinations: [[password, totp], [{phishing_resistant: true, user_verified: true}]]}
        default: silver
        rules:
          - {id: vault, match: {action: "vault.**"}, require: gold}
        """, file: "ladder.yaml")
        #expect(policy.ladder.levels.map(\.name) == ["bronze", "silver", "gold"])
        let gold = try #require(policy.ladder["gold"])
        #expect(gold.acr == "https://acme.example/acr/gold" && policy.ladder.level(acr: "g")?.name == "gold")
        #expect(gold.maxAge == 3_600 && gold.idleTimeout == 300)
        #expect(gold.combinations == [[FactorCondition(factors: [.webauthn], hardwareBound: true), .factor(.password)]])
        let silver = try #require(policy.ladder["silver"])
        #expect(silver.maxAge == 86_400 && silver.idleTimeout == 3_600)  // documented defaults
        #expect(policy.evaluate(PolicyFixture.input("vault.open")).outcome.level == "gold")
        #expect(policy.evaluate(PolicyFixture.input("app.do")).outcome.level == "silver")
        #expect(policy.evaluate(PolicyFixture.input("app.do")).policyVersion == policy.version)
    }

    @Test(arguments: [
        ("levels:\n  a: {rank: 1, acr: x, combinations: [[any]]}\n  b: {rank: 2, acr: x, combinations: [[any]]}\n",
         "l.yaml:3:6: error: acr value 'x' of 'b' is also used by 'a'"),
        ("levels:\n  a: {combinations: []}\n", "l.yaml:2:6: error: level 'a' needs 'combinations': the factor sets that satisfy it"),
        ("levels:\n  a: {combinations: [[{factors: [totp], nfc: true}]]}\n",
         "l.yaml:2:41: error: unknown key 'nfc' in a factor condition (known keys: factors, hardware_bound, phishing_resistant, user_verified)"),
        ("levels: {}\n", "l.yaml:1:9: error: levels must define at least one level"),
    ])
    func ladderErrors(yaml: String, expected: String) {
        let diagnostics = Policy.check(yaml: yaml + "default: allow\n", file: "l.yaml").diagnostics
        #expect(diagnostics.errors.first?.description == expected, "\(diagnostics)")
    }

    @Test func levelReachability() {
        let ladder = LevelLadder.nistDefault
        #expect(Requirement(level: "aal3", allowedFactors: [.webauthn]).isSatisfiable(in: ladder))
        #expect(!Requirement(level: "aal3", allowedFactors: [.totp, .password]).isSatisfiable(in: ladder))
        #expect(Requirement(level: "aal2", allowedFactors: [.password, .totp]).isSatisfiable(in: ladder))
        // The sign-in password always takes part: a rule naming only the step-up factor can be met.
        #expect(Requirement(level: "aal2", allowedFactors: [.totp]).isSatisfiable(in: ladder))
    }

    @Test func caseFileInputs() throws {
        let parsed = PolicyTestCases.parse(yaml: """
        - name: everything
          action: a.b
          method: post
          path: /x
          resource: {owner: u2, tags: [a, b]}
          subject: {id: u1, username: alice, roles: [admin], groups: [g], tenant: acme, attributes: {level: 3}}
          context: {ip: 10.0.0.1, country: FR, user_agent: curl, device_id: d1, time: "2026-01-05T10:00:00Z",
                    transaction: {amount: "12.50"}, attributes: {channel: web}, extra: 1}
          session: {factors: [password, {factor: webauthn, age: 2h, user_verified: true}], idle: 10m}
          risk: {band: high, score: 70, signals: [new_device, {name: impossible_travel, weight: 60}]}
          now: "2026-01-05T12:00:00Z"
          expect: {outcome: deny}
        """, file: "c.yaml", now: PolicyFixture.now)
        #expect(!parsed.diagnostics.hasErrors, "\(parsed.diagnostics)")
        let input = try #require(parsed.cases.first?.input)
        #expect(input.request.method == "post" && input.request.path == "/x")
        #expect(input.request.resource["tags"] == .list([.string("a"), .string("b")]))
        #expect(input.subject.roles == ["admin"] && input.subject.tenant == "acme")
        #expect(input.subject.attributes["level"] == .number(3))
        #expect(input.request.context.transaction["amount"] == .string("12.50"))
        #expect(input.request.context.attributes == ["channel": .string("web"), "extra": .number(1)])
        #expect(input.request.context.deviceID == "d1" && input.request.context.userAgent == "curl")
        let now = try #require(ISO8601DateFormatter().date(from: "2026-01-05T12:00:00Z"))
        #expect(input.now == now)
        let session = try #require(input.session)
        #expect(session.events.map(\.factor) == [.password, .webauthn])
        #expect(session.events[1].at == now.addingTimeInterval(-7_200) && session.events[1].traits.userVerified)
        #expect(session.lastSeenAt == now.addingTimeInterval(-600))
        #expect(input.risk.band == .high && input.risk.score == 70)
        #expect(input.risk.signals.map(\.name) == ["new_device", "impossible_travel"])
    }

    @Test func explanationShowsTheDefault() throws {
        let policy = try #require(Policy.demoPolicy())
        let explanation = policy.explain(PolicyFixture.input("bank.other"))
        #expect(explanation.defaultApplied && explanation.rules == ["default"])
        #expect(explanation.defaultEffect == "require aal1" && explanation.outcome == "step_up")
        #expect(explanation.trace.allSatisfy { !$0.matched })
    }

    @Test func ampersandsInTextAreFine() {
        let yaml = "default: allow\nrules:\n  - {id: a, match: {action: x}, deny: \"Terms & conditions, R&D\"}\n"
        #expect(Policy.check(yaml: yaml, file: "a.yaml").diagnostics.items.isEmpty)
        let anchored = "default: &d allow\nrules: []\n"
        #expect(Policy.check(yaml: anchored, file: "a.yaml").diagnostics.errors.map(\.description)
            == ["a.yaml:1:1: error: anchors and aliases (&name, *name) are not supported; repeat the value instead"])
    }
}
