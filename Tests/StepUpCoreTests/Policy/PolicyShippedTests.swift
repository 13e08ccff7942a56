import Foundation
import Testing
@testable import StepUpCore

@Suite("Shipped policies", .timeLimit(.minutes(5)))
struct PolicyShippedTests {
    @Test func defaultPolicyLoadsWithoutDiagnostics() throws {
        let (policy, diagnostics) = Policy.check(yaml: Policy.defaultYAML, file: "default.yaml")
        #expect(diagnostics.items.isEmpty, "\(diagnostics)")
        let loaded = try #require(policy)
        #expect(loaded.ladder.levels.map(\.name) == ["aal1", "aal2", "aal3"])
        let aal2 = try #require(loaded.ladder["aal2"])
        #expect(aal2.maxAge == 24 * 3_600 && aal2.idleTimeout == 3_600)
        let aal3 = try #require(loaded.ladder["aal3"])
        #expect(aal3.maxAge == 12 * 3_600 && aal3.idleTimeout == 15 * 60)
        #expect(loaded.ladder.level(acr: "2")?.name == "aal2")
        #expect(loaded.ladder == LevelLadder.nistDefault)
    }

    @Test func demoPolicyLoadsWithoutDiagnostics() {
        let diagnostics = Policy.check(yaml: Policy.demoYAML, file: "demo.yaml").diagnostics
        #expect(diagnostics.items.isEmpty, "\(diagnostics)")
        #expect(Policy.demoPolicy() != nil && Policy.defaultPolicy() != nil)
    }

    @Test(arguments: ["account.factors.manage", "account.devices.manage"])
    func defaultPolicyProtectsSelfService(action: String) throws {
        let policy = try #require(Policy.defaultPolicy())
        let stale = PolicyFixture.input(action, session: PolicyFixture.session([(.password, 1_200), (.totp, 1_200)]))
        let observed = PolicyTestRunner.observe(stale, policy: policy)
        #expect(observed.outcome == "step_up" && observed.rules == ["security-settings"])
        #expect(observed.requirement == Requirement(level: "aal2", maxAge: 900))
        let fresh = PolicyFixture.input(action, session: PolicyFixture.session([(.password, 3_600), (.totp, 60)]))
        #expect(PolicyTestRunner.observe(fresh, policy: policy).outcome == "allow")
    }

    @Test(arguments: [Policy.defaultYAML, Policy.demoYAML])
    func shippedPoliciesPassCheckWithoutConfiguration(yaml: String) {
        let output = PolicyCLI.check(yaml: yaml, file: "p.yaml")
        #expect(output.exitCode == 0, "\(output.text)")
    }

    @Test func versionIsStableTwelveHexDigitsAndFollowsContent() throws {
        let first = try Policy.load(yaml: Policy.demoYAML, file: "a")
        let second = try Policy.load(yaml: Policy.demoYAML, file: "b")
        let changed = try Policy.load(yaml: Policy.demoYAML + "\n# edited\n", file: "a")
        #expect(first.version == second.version)
        #expect(first.version != changed.version)
        #expect(first.version.count == 12 && first.version.allSatisfy(\.isHexDigit))
        // FNV-1a 64 of the empty string is cbf29ce484222325.
        #expect(PolicyHash.version(of: "") == "cbf29ce48422")
    }

    @Test(arguments: [
        // (action, amount, roles, risk, session factors (kind, age), expected outcome, level, max_age, rules)
        DemoCase("bank.balance.view", session: [(.password, 60)], outcome: "allow", rules: ["balance-view"]),
        DemoCase("bank.balance.view", outcome: "step_up", level: "aal1", rules: ["balance-view"]),
        DemoCase("bank.transfer", amount: 50, session: [(.password, 60), (.totp, 60)], outcome: "allow",
                 rules: ["transfer"]),
        DemoCase("bank.transfer", amount: 50, session: [(.password, 600), (.totp, 600)], outcome: "step_up",
                 level: "aal2", maxAge: 300, rules: ["transfer"]),
        DemoCase("bank.transfer", amount: 1500, session: [(.password, 1), (.totp, 1)], outcome: "step_up",
                 level: "aal2", maxAge: 0, rules: ["transfer", "transfer-large"]),
        DemoCase("bank.export", session: [(.password, 60)], outcome: "step_up", level: "aal2", rules: ["export"]),
        DemoCase("bank.export.csv", session: [(.password, 60), (.totp, 30)], outcome: "allow", rules: ["export"]),
        DemoCase("admin.users.delete", roles: ["admin"], outcome: "step_up", level: "aal3", rules: ["admin-aal3"]),
        DemoCase("admin.users", outcome: "deny", rules: ["admin-aal3", "admin-role-only"]),
        DemoCase("bank.statements", session: [(.password, 60)], outcome: "allow", rules: ["default"]),
        DemoCase("bank.statements", risk: .medium, session: [(.password, 60)], outcome: "step_up", level: "aal2",
                 rules: ["risky-needs-aal2", "default"]),
        DemoCase("bank.balance.view", risk: .high, session: [(.password, 60)], outcome: "step_up", level: "aal2",
                 rules: ["balance-view", "risky-needs-aal2"]),
        // Self-service needs a recent step-up (ASVS 5.0 7.5.1); the sign-in may be older.
        DemoCase("account.factors.manage", session: [(.password, 7_200), (.totp, 300)], outcome: "allow",
                 rules: ["security-settings"]),
        DemoCase("account.factors.manage", session: [(.password, 60)], outcome: "step_up", level: "aal2",
                 maxAge: 900, rules: ["security-settings"]),
        DemoCase("account.devices.manage", session: [(.password, 1_200), (.totp, 1_200)], outcome: "step_up",
                 level: "aal2", maxAge: 900, rules: ["security-settings"]),
    ])
    func demoScenario(_ demo: DemoCase) throws {
        let policy = try #require(Policy.demoPolicy())
        var context = RequestContext()
        if let amount = demo.amount {
            context.transaction = ["amount": .number(amount), "currency": .string("EUR"), "payee": .string("ACME Ltd")]
        }
        let input = PolicyFixture.input(
            demo.action, context: context, subject: Subject(id: "u", username: "u", roles: demo.roles),
            session: demo.session.isEmpty ? nil : PolicyFixture.session(demo.session),
            risk: RiskAssessment(score: 0, band: demo.risk, signals: []))
        let observed = PolicyTestRunner.observe(input, policy: policy)
        #expect(observed.outcome == demo.outcome)
        if demo.outcome == "step_up" {
            #expect(observed.requirement?.level == demo.level)
            #expect(observed.requirement?.maxAge == demo.maxAge)
        }
        #expect(observed.rules == demo.rules)
        if demo.amount ?? 0 > 1000 {
            #expect(observed.requirement?.bind == ["amount", "currency", "payee"])
            let message = try #require(observed.requirement?.message)
            #expect(PolicyMessage.render(message, fields: context.transaction)
                == "Approve transfer of 1500 EUR to ACME Ltd")
        }
    }
}

struct DemoCase: Sendable, CustomStringConvertible {
    var action: String
    var amount: Double?
    var roles: Set<String>
    var risk: RiskBand
    var session: [(FactorKind, TimeInterval)]
    var outcome: String
    var level: String?
    var maxAge: TimeInterval?
    var rules: [String]

    init(
        _ action: String, amount: Double? = nil, roles: Set<String> = [], risk: RiskBand = .low,
        session: [(FactorKind, TimeInterval)] = [], outcome: String, level: String? = nil,
        maxAge: TimeInterval? = nil, rules: [String]
    ) {
        self.action = action
        self.amount = amount
        self.roles = roles
        self.risk = risk
        self.session = session
        self.outcome = outcome
        self.level = level
        self.maxAge = maxAge
        self.rules = rules
    }

    var description: String { "\(action) amount=\(amount.map { "\($0)" } ?? "-") risk=\(risk) → \(outcome)" }
}
