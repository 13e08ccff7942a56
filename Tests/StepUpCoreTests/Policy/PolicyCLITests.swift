import Foundation
import Testing
@testable import StepUpCore

@Suite("Policy CLI", .timeLimit(.minutes(5)))
struct PolicyCLITests {
    static let cases = """
    cases:
      - name: balance with a password
        action: bank.balance.view
        session: {factors: [password]}
        expect: {outcome: allow, rules: [balance-view]}
      - name: large transfer needs a bound, fresh approval
        action: bank.transfer
        context: {transaction: {amount: 1500, currency: EUR, payee: ACME Ltd}}
        session: {factors: [password, {factor: totp, age: 1m}]}
        expect:
          outcome: step_up
          level: aal2
          max_age: 0
          bind: [amount, currency, payee]
          rules: [transfer, transfer-large]
          message: "Approve transfer of {{amount}} {{currency}} to {{payee}}"
      - name: small transfer with a stale sign-in and second factor
        action: bank.transfer
        context: {transaction: {amount: 20}}
        session: {factors: [{factor: password, age: 10m}, {factor: totp, age: 10m}]}
        expect: {outcome: step_up, level: aal2, max_age: 5m}
      - name: non-admins are kept out
        action: admin.users.list
        subject: {roles: [teller]}
        expect: {outcome: deny, reason: administrators only}
      - name: risk raises the default
        action: bank.anything
        risk: {band: medium, signals: [new_device]}
        session: {factors: [password]}
        expect: {outcome: step_up, level: aal2, rules: [risky-needs-aal2, default]}
    """

    @Test func shippedDemoCasesPass() {
        let output = PolicyCLI.test(yaml: Policy.demoYAML, file: "demo.yaml", cases: Policy.demoCasesYAML,
                                    casesFile: "demo-cases.yaml", now: PolicyFixture.now)
        #expect(output.exitCode == 0, "\(output.text)")
        #expect(output.text.hasPrefix("11 passed, 0 failed"))
    }

    @Test func checkValidFile() {
        let output = PolicyCLI.check(yaml: Policy.demoYAML, file: "demo.yaml")
        #expect(output.exitCode == 0)
        let version = PolicyHash.version(of: Policy.demoYAML)
        #expect(output.text == "demo.yaml: ok: version \(version), 3 levels, 8 rules, 0 warning(s)\n")
    }

    @Test func checkInvalidFileListsErrorsAndWarnings() {
        let yaml = "default: aal1\nrules:\n  - {id: a, match: {action: x, subject: {roles: []}}, deny: no}\n"
            + "  - {id: b, require: aal5}\n"
        let output = PolicyCLI.check(yaml: yaml, file: "bad.yaml")
        #expect(output.exitCode == 1)
        #expect(output.text == """
        bad.yaml:3:5: warning: rule 'a' can never match: its roles list is empty
        bad.yaml:4:22: error: unknown level 'aal5' (levels: aal1, aal2, aal3)
        bad.yaml: 1 error(s), 1 warning(s)

        """)
        let warned = PolicyCLI.check(yaml: "default: aal1\nrules:\n  - {id: a, match: {action: x, subject: {roles: []}}, deny: no}\n", file: "w.yaml")
        #expect(warned.exitCode == 0)
        #expect(warned.text.hasPrefix("w.yaml:3:5: warning: rule 'a' can never match: its roles list is empty\n"))
    }

    @Test func testCommandPassesTheDemoCases() {
        let output = PolicyCLI.test(
            yaml: Policy.demoYAML, file: "demo.yaml", cases: Self.cases, casesFile: "CASES.yaml", now: PolicyFixture.now)
        #expect(output.exitCode == 0, "\(output.text)")
        #expect(output.text.hasSuffix("5 passed, 0 failed (policy version \(PolicyHash.version(of: Policy.demoYAML)))\n"))
    }

    @Test func testCommandShowsADiffOnMismatch() {
        let cases = """
        - name: wrong expectations
          action: bank.transfer
          context: {transaction: {amount: 20}}
          expect: {outcome: allow, level: aal3, max_age: 1m, rules: [transfer]}
        - name: right
          action: bank.export
          expect: {outcome: step_up}
        """
        let output = PolicyCLI.test(
            yaml: Policy.demoYAML, file: "demo.yaml", cases: cases, casesFile: "c.yaml", now: PolicyFixture.now)
        #expect(output.exitCode == 1)
        #expect(output.text.hasPrefix("""
        FAIL c.yaml:1: wrong expectations
            outcome: expected allow, got step_up
            level: expected aal3, got aal2
            max_age: expected 60s, got 300s
        1 passed, 1 failed
        """))
    }

    @Test func testCommandRejectsBadCasesWithPositions() {
        let output = PolicyCLI.test(
            yaml: Policy.demoYAML, file: "demo.yaml", cases: "- name: x\n  action: a\n  expect: {outcome: maybe}\n",
            casesFile: "c.yaml", now: PolicyFixture.now)
        #expect(output.exitCode == 1)
        #expect(output.text == "c.yaml:3:21: error: outcome must be allow, deny or step_up\n")
        let missing = PolicyCLI.test(yaml: Policy.demoYAML, file: "demo.yaml", cases: "[]", casesFile: "c.yaml",
                                     now: PolicyFixture.now)
        #expect(missing.exitCode == 1 && missing.text.contains("has no cases"))
    }

    @Test func explainPrintsEveryRuleAsJSON() throws {
        let request = """
        {"action": "bank.transfer", "subject": {"id": "u1", "roles": ["customer"]},
         "context": {"ip": "203.0.113.9", "transaction": {"amount": 2500, "currency": "EUR", "payee": "Bob"}},
         "session": {"factors": ["password"]}, "risk": {"band": "low"}}
        """
        let output = PolicyCLI.explain(yaml: Policy.demoYAML, file: "demo.yaml", request: request, now: PolicyFixture.now)
        #expect(output.exitCode == 0)
        let explanation = try JSONDecoder().decode(PolicyExplanation.self, from: Data(output.text.utf8))
        #expect(explanation.outcome == "step_up")
        #expect(explanation.rules == ["transfer", "transfer-large"])
        #expect(explanation.trace.count == 8)
        let large = try #require(explanation.trace.first { $0.id == "transfer-large" })
        #expect(large.matched)
        #expect(large.conditions.map(\.condition) == ["action matches bank.transfer", "context.amount > 1000"])
        #expect(large.conditions.last?.observed == "context.amount is 2500")
        let admin = try #require(explanation.trace.first { $0.id == "admin-aal3" })
        #expect(!admin.matched && admin.conditions.first?.observed == "action is bank.transfer")
        #expect(output.text.contains("\"policy_version\""))
    }

    @Test func explainRejectsBadRequests() {
        let output = PolicyCLI.explain(yaml: Policy.demoYAML, file: "demo.yaml", request: "{\"resource\": 1}",
                                       now: PolicyFixture.now)
        #expect(output.exitCode == 1)
        #expect(output.text.contains("request:1:1: error:"))
        let broken = PolicyCLI.explain(yaml: Policy.demoYAML, file: "demo.yaml", request: "{", now: PolicyFixture.now)
        #expect(broken.exitCode == 1 && broken.text.contains("not valid JSON"))
    }
}
