import Foundation
import Testing
@testable import StepUpCore

/// The exact wording of the two messages most volumes get wrong.
private let needsN = "needs a whole number N from 2 to 1000000 (e.g. sampled 100: 1 in 100 allows written in full)"
private let forms = "full, counted or sampled N (1 in N allows written in full, N from 2 to 1000000)"

/// Issue #9: operators choose how many allows are written to the audit log; denials and step-ups always are.
@Suite("Policy audit volume", .timeLimit(.minutes(5)))
struct PolicyAuditVolumeTests {
    static let head = "version: 1\ndefault: allow\n"

    // MARK: Parsing

    @Test(arguments: [
        ("audit: full", AuditVolume.full),
        ("audit: counted", .counted),
        ("audit: sampled 100", .sampled(every: 100)),
        ("audit: sampled 2", .sampled(every: 2)),
        ("audit: sampled 1000000", .sampled(every: 1_000_000)),
        ("audit: \"sampled   7\"", .sampled(every: 7)),
    ])
    func ruleForms(line: String, expected: AuditVolume) throws {
        let policy = try PolicyFixture.policy(
            "default: deny\nrules:\n  - id: a\n    match: {action: app.do}\n    allow: true\n    \(line)\n")
        #expect(policy.rules.first?.audit == expected)
        #expect(policy.evaluate(PolicyFixture.input()).auditVolume == expected)
    }

    @Test func noAuditKeyMeansFull() throws {
        let policy = try PolicyFixture.policy(
            "default: allow\nrules:\n  - {id: a, match: {action: app.do}, allow: true}\n")
        #expect(policy.rules.first?.audit == nil)
        #expect(policy.allowAudit == .full)
        #expect(policy.evaluate(PolicyFixture.input()).auditVolume == .full)
    }

    @Test(arguments: [
        ("audit: {allow: sampled 10}\n", AuditVolume.sampled(every: 10)),
        ("audit:\n  allow: counted\n  deny: full\n  step_up: full\n", .counted),
        ("audit: {allow: full}\n", .full),
        ("audit: {deny: full}\n", .full),
    ])
    func policyDefaultForms(body: String, expected: AuditVolume) throws {
        let policy = try PolicyFixture.policy("default: allow\n" + body)
        #expect(policy.allowAudit == expected)
        // No rule matches: the policy default decides, and its volume is the policy's.
        #expect(policy.evaluate(PolicyFixture.input()).auditVolume == expected)
    }

    @Test(arguments: [
        ("rules:\n  - id: a\n    allow: true\n    audit: sampled 0\n",
         "p.yaml:6:12: error: 'sampled 0' \(needsN)"),
        ("rules:\n  - id: a\n    allow: true\n    audit: sampled x\n",
         "p.yaml:6:12: error: 'sampled x' \(needsN)"),
        ("rules:\n  - id: a\n    allow: true\n    audit: sampled 1000001\n",
         "p.yaml:6:12: error: 'sampled 1000001' \(needsN)"),
        ("rules:\n  - id: a\n    allow: true\n    audit: sampled\n",
         "p.yaml:6:12: error: 'sampled' \(needsN)"),
        ("rules:\n  - id: a\n    allow: true\n    audit: sampled -5\n",
         "p.yaml:6:12: error: 'sampled -5' \(needsN)"),
        ("rules:\n  - id: a\n    allow: true\n    audit: sampled 1\n",
         "p.yaml:6:12: error: 'sampled 1' writes every decision; write 'full'"),
        ("rules:\n  - id: a\n    allow: true\n    audit: sometimes\n",
         "p.yaml:6:12: error: 'sometimes' is not an audit volume; write \(forms)"),
        ("rules:\n  - id: a\n    allow: true\n    audit: ~\n",
         "p.yaml:6:12: error: audit must be \(forms)"),
        ("rules:\n  - {id: a, allow: true, audit: [counted]}\n",
         "p.yaml:4:33: error: audit must be \(forms)"),
        ("audit: {allow: sampled 0}\n",
         "p.yaml:3:16: error: 'sampled 0' \(needsN)"),
        ("audit:\n  allow: often\n",
         "p.yaml:4:10: error: 'often' is not an audit volume; write \(forms)"),
        ("audit: {deny: counted}\n",
         "p.yaml:3:15: error: deny decisions are always written in full; write 'deny: full' or remove it"),
        ("audit: {step_up: sampled 5}\n",
         "p.yaml:3:18: error: step_up decisions are always written in full; write 'step_up: full' or remove it"),
        ("audit: {allow: full, login: counted}\n",
         "p.yaml:3:22: error: unknown key 'login' in audit (known keys: allow, deny, step_up)"),
        ("audit: counted\n",
         "p.yaml:3:8: error: audit must be a mapping from outcome to volume (e.g. audit: {allow: sampled 10})"),
    ])
    func errorPosition(body: String, expected: String) {
        // Exactly this one error, and no policy: a bad volume is never loaded as some other volume.
        let (policy, diagnostics) = Policy.check(yaml: Self.head + body, file: "p.yaml")
        #expect(policy == nil)
        #expect(diagnostics.errors.map(\.description) == [expected], "\(diagnostics)")
    }

    @Test func policyCheckReportsABadVolumeLikeAnyOtherError() {
        let yaml = Self.head
            + "rules:\n  - {id: assets, match: {action: \"static.**\"}, allow: true, audit: sampled 1}\n"
        let output = PolicyCLI.check(yaml: yaml, file: "bad.yaml")
        #expect(output.exitCode == 1)
        #expect(output.text == """
        bad.yaml:4:68: error: 'sampled 1' writes every decision; write 'full'
        bad.yaml: 1 error(s), 0 warning(s)

        """)
    }

    @Test func aVolumeOnARuleThatDeniesIsAWarning() {
        let diagnostics = PolicyFixture.diagnostics(
            Self.head + "rules:\n  - id: a\n    match: {action: app.x}\n    deny: \"Not here.\"\n    audit: counted\n")
        #expect(diagnostics == [
            "p.yaml:7:12: warning: rule 'a' denies, and denials are always written in full: "
                + "its 'audit' has no effect; remove it",
        ])
        // A rule that requires a level can still allow: no warning.
        let requiring = PolicyFixture.diagnostics(
            Self.head + "rules:\n  - id: a\n    match: {action: app.x}\n    require: aal1\n    audit: counted\n")
        #expect(requiring.isEmpty, "\(requiring)")
    }

    @Test func aNarrowRuleThatOnlyRaisesTheVolumeIsNotReportedAsShadowed() {
        let rules = """
        rules:
          - {id: assets, match: {action: "static.**"}, allow: true, audit: counted}
          - {id: login-page, match: {action: static.login}, allow: true, audit: full}
          - {id: icons, match: {action: static.icon}, allow: true, audit: counted}
        """
        let diagnostics = PolicyFixture.diagnostics(Self.head + rules)
        // login-page changes what is audited; icons changes nothing at all.
        #expect(diagnostics == [
            "p.yaml:6:5: warning: rule 'icons' never changes a decision: rule 'assets' (line 4) matches whenever "
                + "it does and is at least as strict",
        ])
    }

    // MARK: Which volume applies

    @Test func aRuleVolumeBeatsThePolicyDefault() throws {
        // The README's example, plus a rule without a volume of its own.
        let policy = try PolicyFixture.policy("""
        default: allow
        audit: {allow: sampled 10}       # 1 in 10 allows written in full unless a rule says otherwise
        rules:
          - id: static-assets
            match: {path: /static/**}
            allow: true
            audit: counted               # forward-auth allows for assets: only counted
          - id: statements
            match: {action: bank.statement.view}
            require: aal2
            audit: full                  # every allowed statement view is written
          - {id: reports, match: {action: reports.view}, allow: true}
        """)
        #expect(policy.evaluate(PolicyFixture.input("web.get", path: "/static/app.css")).auditVolume == .counted)
        #expect(policy.evaluate(PolicyFixture.input("bank.statement.view")).auditVolume == .full)
        #expect(policy.evaluate(PolicyFixture.input("reports.view")).auditVolume == .sampled(every: 10))
        #expect(policy.evaluate(PolicyFixture.input("other.thing")).auditVolume == .sampled(every: 10))
    }

    @Test func theMostVerboseVolumeAmongTheMatchingRulesWins() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        audit: {allow: counted}
        rules:
          - {id: assets, match: {action: "static.**"}, allow: true, audit: counted}
          - {id: images, match: {action: "static.img.*"}, allow: true, audit: sampled 100}
          - {id: logos, match: {action: static.img.logo}, allow: true, audit: sampled 10}
          - {id: watched, match: {action: "static.**", subject: {roles: [auditor]}}, allow: true, audit: full}
          - {id: risky, match: {risk: medium}, require: aal1}
        """)
        func volume(_ action: String, roles: [String] = [], risk: RiskAssessment = .none) -> AuditVolume {
            let subject = Subject(id: "u1", username: "alice", roles: Set(roles))
            return policy.evaluate(PolicyFixture.input(action, subject: subject, risk: risk)).auditVolume
        }
        #expect(volume("static.css") == .counted)
        #expect(volume("static.img.photo") == .sampled(every: 100))
        #expect(volume("static.img.logo") == .sampled(every: 10))
        #expect(volume("static.img.logo", roles: ["auditor"]) == .full)
        // A rule without its own volume votes with the policy default (here counted).
        let medium = RiskAssessment(score: 50, band: .medium, signals: [])
        #expect(volume("static.img.photo", risk: medium) == .sampled(every: 100))
    }

    @Test func aRuleWithoutVolumeVotesWithTheDefaultSoFullKeepsItFull() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - {id: assets, match: {action: "static.**"}, allow: true, audit: counted}
          - {id: risky, match: {risk: medium}, require: aal1}
        """)
        #expect(policy.evaluate(PolicyFixture.input("static.css")).auditVolume == .counted)
        let risky = PolicyFixture.input("static.css", risk: RiskAssessment(score: 50, band: .medium, signals: []))
        #expect(policy.evaluate(risky).auditVolume == .full)
    }

    // MARK: The decision

    @Test func denyAndStepUpAreWrittenInFullEvenWhenAMatchingRuleSaysCounted() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        audit: {allow: counted}
        rules:
          - {id: view, match: {action: bank.view}, require: aal2, audit: counted}
          - {id: pay, match: {action: bank.pay}, require: {level: aal2, max_age: 0}, audit: counted}
          - {id: embargo, match: {context: {country: KP}}, deny: "Not from here."}
        """)
        let engine = DecisionEngine()
        let signedIn = PolicyFixture.session([(.password, 60), (.totp, 60)])
        func decide(_ action: String, session: Session?, country: String? = nil, grant: Challenge? = nil)
            -> DecisionEngine.Result
        {
            let input = PolicyFixture.input(action, context: RequestContext(country: country), session: session)
            return engine.decide(policy: policy, input: input, grant: grant, hash: { $0 })
        }
        let allowed = decide("bank.view", session: signedIn)
        #expect(allowed.verdict == .allow && allowed.auditVolume == .counted)
        let stepUp = decide("bank.view", session: nil)
        #expect(stepUp.verdict == .stepUp && stepUp.auditVolume == .full)
        let denied = decide("bank.view", session: signedIn, country: "KP")
        #expect(denied.verdict == .deny && denied.decision.rules == ["view", "embargo"])
        #expect(denied.auditVolume == .full)
        let fresh = decide("bank.pay", session: signedIn)
        #expect(fresh.verdict == .stepUp && fresh.auditVolume == .full)
        // An allow that consumes a grant is the record of an approved transaction: always in full.
        let approved = decide("bank.pay", session: signedIn, grant: DecisionGrantTests().grant())
        #expect(approved.verdict == .allowWithGrant("ch1") && approved.auditVolume == .full)
        let blocked = DecisionEngine.denial("blocked", rule: "address-blocked", policyVersion: "v", risk: .none)
        #expect(blocked.auditVolume == .full)
    }

    // MARK: Sampling and explanation

    @Test func sampledWritesTheFirstAndEveryNthAfterIt() {
        let every3 = AuditVolume.sampled(every: 3)
        #expect((1...10).map { every3.writesInFull(occurrence: $0) }
            == [true, false, false, true, false, false, true, false, false, true])
        #expect(every3.writesInFull(occurrence: 0))
        #expect(AuditVolume.sampled(every: 1_000_000).writesInFull(occurrence: 1_000_001))
        #expect(!AuditVolume.sampled(every: 1_000_000).writesInFull(occurrence: 1_000_000))
        #expect(AuditVolume.sampled(every: 2).writesInFull(occurrence: UInt64.max))
        #expect((0...5).allSatisfy { AuditVolume.full.writesInFull(occurrence: $0) })
        #expect((0...5).allSatisfy { !AuditVolume.counted.writesInFull(occurrence: $0) })
        // A volume built in code with an interval the parser refuses writes everything instead of trapping.
        #expect([0, 1, -5].allSatisfy { AuditVolume.sampled(every: $0).writesInFull(occurrence: 2) })
    }

    @Test func verbosityOrdersFullThenSmallerSamplesThenCounted() {
        #expect(AuditVolume.counted.mostVerbose(.sampled(every: 1_000)) == .sampled(every: 1_000))
        #expect(AuditVolume.sampled(every: 10).mostVerbose(.sampled(every: 100)) == .sampled(every: 10))
        #expect(AuditVolume.sampled(every: 100).mostVerbose(.sampled(every: 10)) == .sampled(every: 10))
        #expect(AuditVolume.full.mostVerbose(.sampled(every: 2)) == .full)
        #expect(AuditVolume.counted.mostVerbose(.counted) == .counted)
        #expect([AuditVolume.full, .sampled(every: 100), .counted].map(\.description)
            == ["full", "sampled 100", "counted"])
    }

    @Test func explainShowsTheVolumeWhenNotFull() throws {
        let yaml = Self.head + """
        rules:
          - {id: assets, match: {action: "static.**"}, allow: true, audit: sampled 50}
          - {id: admin, match: {action: "admin.**"}, deny: "Administrators only."}
        """
        let policy = try Policy.load(yaml: yaml, file: "p.yaml")
        let sampled = policy.explain(PolicyFixture.input("static.css"))
        #expect(sampled.auditVolume == "sampled 50")
        #expect(sampled.trace.map(\.audit) == ["sampled 50", nil])
        #expect(policy.explain(PolicyFixture.input("app.do")).auditVolume == nil)
        #expect(policy.explain(PolicyFixture.input("admin.users")).auditVolume == nil)
        let output = PolicyCLI.explain(yaml: yaml, file: "p.yaml", request: "{\"action\": \"static.css\"}",
                                       now: PolicyFixture.now)
        #expect(output.exitCode == 0)
        #expect(output.text.contains("\"audit_volume\" : \"sampled 50\""), "\(output.text)")
        let full = PolicyCLI.explain(yaml: yaml, file: "p.yaml", request: "{\"action\": \"app.do\"}",
                                     now: PolicyFixture.now)
        #expect(!full.text.contains("audit_volume"))
    }
}
