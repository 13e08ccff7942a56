import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCore

@Suite("Policy benchmark and index", .ownThread, .timeLimit(.minutes(5)))
struct PolicyBenchmarkTests {
    @Test(arguments: PolicyBenchmark.sizes)
    func generatedPoliciesLoadWithoutErrors(size: Int) throws {
        let (policy, diagnostics) = Policy.check(yaml: PolicyBenchmark.policyYAML(rules: size, seed: 42), file: "b")
        #expect(!diagnostics.hasErrors, "\(diagnostics.errors.prefix(3))")
        #expect(try #require(policy).rules.count == size)
    }

    /// The index keeps the rules looked at per decision small however large the policy grows.
    @Test func candidatesStayFewAsRulesGrow() throws {
        var counts: [Int] = []
        for size in [10, 10_000] {
            let policy = try Policy.load(yaml: PolicyBenchmark.policyYAML(rules: size, seed: 42), file: "b")
            let inputs = PolicyBenchmark.requests(count: 500, rules: size, seed: 1)
            var total = 0
            for input in inputs {
                var candidates: [Int] = []
                policy.index.candidates(for: input.request.action, into: &candidates)
                total += candidates.count + policy.index.generic.count
            }
            counts.append(total / inputs.count)
        }
        #expect(counts[1] <= max(3, counts[0] * 3), "\(counts)")
    }

    @Test func indexAgreesWithGlobs() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - {id: exact, match: {action: a.b.c}, deny: x}
          - {id: one, match: {action: "a.b.*"}, deny: x}
          - {id: any, match: {action: "a.**"}, deny: x}
          - {id: top, match: {action: "*"}, deny: x}
          - {id: all, match: {action: "**"}, deny: x}
          - {id: mixed, match: {action: [a.b.c, "a.*"]}, deny: x}
          - {id: generic, match: {action: ["*.b.c", a.b.c]}, deny: x}
        """)
        for action in ["a.b.c", "a.b", "a", "a.b.c.d", "x.b.c", "b"] {
            let expected = policy.rules.filter { rule in rule.actions?.contains { $0.matches(action) } ?? true }
                .map(\.id)
            #expect(policy.evaluate(PolicyFixture.input(action)).rules.filter { $0 != "default" } == expected,
                    "\(action)")
        }
    }

    @Test(arguments: ["", ".", "a.", ".a", "a..b", "a.b."])
    func malformedActionsAreDenied(action: String) throws {
        let policy = try PolicyFixture.policy("default: allow\nrules:\n  - {id: all, match: {action: \"**\"}, allow: true}\n")
        let result = policy.evaluate(PolicyFixture.input(action))
        #expect(result.outcome.denyReason?.contains("not a valid action name") == true)
        #expect(result.rules.isEmpty)
        #expect(policy.explain(PolicyFixture.input(action)).outcome == "deny")
    }

    @Test func measureReportsAPositiveRate() {
        #expect(PolicyBenchmark.measure(rules: 10, seconds: 0.02) > 0)
        let lines = PolicyBenchmark.run(sizes: [10], seconds: 0.01)
        #expect(lines.count == 1 && lines[0].hasPrefix("rules=10 decisions_per_second="))
    }

    @Test func messagePlaceholders() {
        let template = "Approve {{ amount }} {{currency}} to {{payee}} ({{amount}}) {{"
        #expect(PolicyMessage.placeholders(in: template) == ["amount", "currency", "payee"])
        #expect(PolicyMessage.render(template, fields: ["amount": .number(1500), "currency": .string("EUR")])
            == "Approve 1500 EUR to  (1500) {{")
    }

    @Test(arguments: [("300", 300.0), ("5m", 300), ("1h30m", 5_400), ("2d", 172_800), ("0", 0), ("90s", 90)])
    func durations(text: String, seconds: Double) {
        #expect(PolicyParser.seconds(text) == seconds)
    }

    @Test(arguments: ["", "m", "5x", "-5", "1.5h", "99999999999d", "5mm"])
    func badDurations(text: String) {
        #expect(PolicyParser.seconds(text) == nil)
    }
}
