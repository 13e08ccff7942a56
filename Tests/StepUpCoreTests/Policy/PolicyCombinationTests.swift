import Foundation
import Testing
@testable import StepUpCore

@Suite("Policy combination", .timeLimit(.minutes(5)))
struct PolicyCombinationTests {
    static func evaluate(_ body: String, _ input: PolicyInput = PolicyFixture.input()) throws -> PolicyResult {
        let policy = try PolicyFixture.policy(body)
        let result = policy.evaluate(input)
        let explained = policy.explain(input)
        #expect(explained.rules == result.rules)
        return result
    }

    @Test func denyOverridesEverything() throws {
        let result = try Self.evaluate("""
        default: allow
        rules:
          - {id: a, match: {action: app.do}, require: aal3}
          - {id: b, match: {action: "app.*"}, deny: "Not today."}
          - {id: c, match: {action: "app.**"}, allow: true}
          - {id: d, match: {action: "app.**"}, deny: "Second reason."}
        """)
        #expect(result.outcome == .deny("Not today."))
        #expect(result.rules == ["a", "b", "c", "d"])
    }

    @Test func strictestLevelSmallestMaxAgeFactorIntersectionBindUnion() throws {
        let result = try Self.evaluate("""
        default: allow
        rules:
          - id: a
            match: {action: app.do}
            require: {level: aal2, max_age: 10m, factors: [totp, webauthn, password], bind: [amount],
                      message: "weak {{amount}}"}
          - id: b
            match: {action: "app.*"}
            require: {level: aal1, max_age: 2m, factors: [webauthn, password, push], bind: [payee, amount]}
          - id: c
            match: {action: "app.**"}
            require: {level: aal2, message: "strong {{amount}}", bind: [amount]}
        """)
        let requirement = try #require(result.outcome.requirement)
        #expect(requirement.level == "aal2")
        #expect(requirement.maxAge == 120)
        #expect(requirement.allowedFactors == [.webauthn, .password])
        #expect(requirement.bind == ["amount", "payee"])
        // Same rank: the rule with the smaller max_age is stricter, so rule a's message wins over c's.
        #expect(requirement.message == "weak {{amount}}")
        #expect(result.rules == ["a", "b", "c"])
    }

    @Test func messageComesFromTheHighestLevel() throws {
        let result = try Self.evaluate("""
        default: allow
        rules:
          - {id: a, match: {action: app.do}, require: {level: aal2, max_age: 0, message: low}}
          - {id: b, match: {action: app.do}, require: {level: aal3, message: high}}
        """)
        #expect(result.outcome.requirement?.message == "high")
        #expect(result.outcome.requirement?.level == "aal3")
        #expect(result.outcome.requirement?.maxAge == 0)
    }

    @Test func emptyFactorIntersectionDeniesWithAReason() throws {
        let result = try Self.evaluate("""
        default: allow
        rules:
          - {id: only-totp, match: {action: app.do}, require: {level: aal2, factors: [password, totp]}}
          - {id: only-passkey, match: {action: "app.*"}, require: {level: aal2, factors: [webauthn]}}
        """)
        let reason = try #require(result.outcome.denyReason)
        #expect(reason.contains("no factor in common"))
        #expect(reason.contains("only-totp, only-passkey"))
    }

    @Test func factorsThatCannotReachTheLevelDeny() throws {
        let result = try Self.evaluate("""
        default: allow
        rules:
          - {id: a, match: {action: app.do}, require: {level: aal3, factors: [totp, webauthn]}}
          - {id: b, match: {action: app.do}, require: {level: aal2, factors: [totp, password]}}
        """)
        // Each rule alone can be met (aal2 with a TOTP step-up, aal3 with a passkey); together only TOTP is left.
        #expect(result.outcome.denyReason?.contains("aal3 cannot be reached with only totp") == true)
    }

    @Test(arguments: [
        ("allow", "allow"), ("deny", "deny"), ("aal2", "aal2"), ("{require: {level: aal3, max_age: 1m}}", "aal3"),
        ("{deny: Closed.}", "deny"),
    ])
    func defaultAppliesWhenNoRuleNamesTheAction(defaultValue: String, expected: String) throws {
        let result = try Self.evaluate("""
        default: \(defaultValue)
        rules:
          - {id: other, match: {action: other.thing}, require: aal3}
        """)
        #expect(result.rules == ["default"])
        switch expected {
        case "allow": #expect(result.outcome.isAllow)
        case "deny": #expect(result.outcome.denyReason != nil)
        default: #expect(result.outcome.level == expected)
        }
    }

    @Test func globalRulesTightenTheDefaultButNeverReplaceIt() throws {
        let risky = PolicyFixture.input(risk: RiskAssessment(score: 50, band: .medium, signals: []))
        let denyDefault = try Self.evaluate("""
        default: deny
        rules:
          - {id: risky, match: {risk: medium}, require: aal2}
        """, risky)
        #expect(denyDefault.outcome.denyReason != nil)
        #expect(denyDefault.rules == ["risky", "default"])
        let levelDefault = try Self.evaluate("""
        default: aal1
        rules:
          - {id: risky, match: {risk: medium}, require: aal2}
          - {id: named, match: {action: named.action}, allow: true}
        """, risky)
        #expect(levelDefault.outcome.level == "aal2")
        let named = try PolicyFixture.policy("""
        default: aal3
        rules:
          - {id: named, match: {action: app.do}, allow: true}
        """).evaluate(PolicyFixture.input())
        #expect(named.outcome.isAllow && named.rules == ["named"])
    }

    @Test func allowRulesOnlyAllowWhenNothingStricterMatches() throws {
        let result = try Self.evaluate("""
        default: deny
        rules:
          - {id: open, match: {action: "app.*"}, allow: true}
          - {id: strict, match: {action: app.do, context: {amount: {'>': 5}}}, require: aal2}
        """, PolicyFixture.input(context: RequestContext(transaction: ["amount": .number(10)])))
        #expect(result.outcome.level == "aal2")
        #expect(result.rules == ["open", "strict"])
    }

    @Test func noDefaultMeansDenyWithAWarning() throws {
        let (policy, diagnostics) = Policy.check(yaml: PolicyFixture.ladder + "\nrules: []\n", file: "p.yaml")
        #expect(diagnostics.warnings.map(\.message).contains("no 'default' is set: actions no rule names are denied"))
        #expect(try #require(policy).evaluate(PolicyFixture.input()).outcome.denyReason != nil)
    }
}
