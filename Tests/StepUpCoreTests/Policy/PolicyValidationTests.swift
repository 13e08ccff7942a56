import Foundation
import Testing
@testable import StepUpCore

@Suite("Policy validation messages", .timeLimit(.minutes(5)))
struct PolicyValidationTests {
    static let head = "version: 1\ndefault: aal1\n"

    @Test(arguments: [
        // (body after `version` and `default` lines, expected first diagnostic)
        ("rulez: []\n", "p.yaml:3:1: error: unknown key 'rulez' in the policy file (known keys: audit, default, levels, networks, risk, routes, rules, version)"),
        ("rules:\n  - id: a\n    match: {action: x, color: red}\n    allow: true\n",
         "p.yaml:5:24: error: unknown key 'color' in match (known keys: action, context, method, network, not_network, path, path_params, resource, risk, session, subject, time, transaction)"),
        ("rules:\n  - id: a\n    require: aal9\n",
         "p.yaml:5:14: error: unknown level 'aal9' (levels: aal1, aal2, aal3)"),
        ("rules:\n  - id: a\n    require: {level: aal2, factors: [totp, carrier_pigeon]}\n",
         "p.yaml:5:44: error: unknown factor 'carrier_pigeon' (factors: password, totp, hotp, webauthn, push, sms_otp, email_otp, recovery_code)"),
        ("rules:\n  - id: a\n    match: {network: [lab]}\n    allow: true\n",
         "p.yaml:5:23: error: 'lab' is neither a CIDR network nor a named network (networks: )"),
        ("rules:\n  - id: a\n    match: {risk: {signals: [full_moon]}}\n    allow: true\n",
         "p.yaml:5:30: error: unknown risk signal 'full_moon' (signals: new_device, new_country, impossible_travel, ip_reputation, failed_attempts, credential_stuffing, unusual_hour, user_agent_change, anonymizing_network, cloned_authenticator)"),
        ("rules:\n  - id: a\n    match: {resource: {iban: {regex: '[unclosed'}}}\n    allow: true\n",
         "p.yaml:5:38: error: '[unclosed' is not a valid regular expression (ICU syntax, ≤ 1000 bytes)"),
        ("networks:\n  lab: [10.0.0.0/33]\n", "p.yaml:4:9: error: '10.0.0.0/33' is not an IP address or CIDR network (e.g. 10.0.0.0/8)"),
        ("rules:\n  - id: a\n    match: {time: {time_zone: Mars/Olympus}}\n    allow: true\n",
         "p.yaml:5:31: error: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Paris)"),
        ("rules:\n  - id: a\n    allow: true\n  - id: a\n    deny: x\n",
         "p.yaml:6:5: error: rule id 'a' is already used by the rule at line 4"),
        ("rules:\n  - match: {action: x}\n    allow: true\n", "p.yaml:4:5: error: this rule has no 'id'; decisions and audit events name rules by id"),
        ("rules:\n  - id: a\n    allow: true\n    deny: no\n", "p.yaml:6:5: error: rule 'a' has both 'allow' and 'deny'; use one rule per outcome"),
        ("rules:\n  - id: a\n    match: {action: x}\n", "p.yaml:4:5: error: rule 'a' needs one of allow, deny or require"),
        ("rules:\n  - id: a\n    require: {level: aal2, max_age: soon}\n",
         "p.yaml:5:37: error: max_age must be a duration: seconds or a number with s, m, h or d (e.g. 5m, 24h)"),
        ("rules:\n  - id: a\n    match: {resource: {amount: {'>': lots}}}\n    allow: true\n",
         "p.yaml:5:38: error: '>' on 'amount' must be a number"),
        ("rules: [\n", "p.yaml:4:1: error: invalid YAML: did not find expected node content while parsing a flow node"),
        ("risk:\n  signals:\n    new_device: {weight: 10, speed_kmh: 5}\n",
         "p.yaml:5:30: error: unknown key 'speed_kmh' in signal 'new_device' (known keys: enabled, weight)"),
        ("risk:\n  thresholds: {medium: 70, high: 60}\n", "p.yaml:4:15: error: thresholds must increase: medium < high < critical"),
        ("levels:\n  gold: {combinations: [[totp]]}\n  silver: {rank: 1, combinations: [[password]]}\n",
         "p.yaml:2:10: error: default must be allow, deny or a level (gold, silver); 'aal1' is none"),
        ("version: 2\n", "p.yaml:1:1: error: duplicate key(s) version in a mapping"),
        // Issue #8 item 15: a step-up nobody can finish was only a warning, and the user looped forever.
        ("rules:\n  - id: a\n    require: {level: aal3, factors: [totp]}\n",
         "p.yaml:5:37: error: rule 'a' can never be satisfied: no step-up reaches aal3 or a stronger level with only totp; allow a factor that can (e.g. webauthn) or lower the level"),
        ("rules:\n  - id: a\n    require: {level: aal2, factors: [password]}\n",
         "p.yaml:5:37: error: rule 'a' can never be satisfied: no step-up reaches aal2 or a stronger level with only password; allow a factor that can (e.g. webauthn) or lower the level"),
    ])
    func errorPosition(body: String, expected: String) {
        let diagnostics = PolicyFixture.diagnostics(Self.head + body)
        #expect(diagnostics.first { $0.contains(": error: ") } == expected, "\(diagnostics)")
    }

    @Test func misplacedKeysSayWhereTheyBelong() {
        let diagnostics = PolicyFixture.diagnostics(Self.head + "rules:\n  - id: a\n    action: x\n    max_age: 5m\n    allow: true\n")
        #expect(diagnostics == [
            "p.yaml:5:5: error: 'action' belongs under 'match:' (e.g. match: {action: ...})",
            "p.yaml:6:5: error: 'max_age' belongs under 'require:' (e.g. require: {max_age: ...})",
        ])
    }

    @Test func versionMismatchSaysWhatToChange() {
        let diagnostics = PolicyFixture.diagnostics("version: 2\ndefault: allow\n")
        #expect(diagnostics == ["p.yaml:1:10: error: this StepUp reads policy format version 1; set 'version: 1'"])
    }

    @Test(arguments: [
        ("  - {id: wide, match: {action: \"app.**\"}, deny: no}\n  - {id: narrow, match: {action: app.x}, require: aal2}\n",
         "p.yaml:5:5: warning: rule 'narrow' never changes a decision: rule 'wide' (line 4) matches whenever it does and is at least as strict"),
        ("  - {id: strong, match: {action: app.x}, require: aal3}\n  - {id: weak, match: {action: app.x, subject: {roles: [a]}}, require: aal2}\n",
         "p.yaml:5:5: warning: rule 'weak' never changes a decision: rule 'strong' (line 4) matches whenever it does and is at least as strict"),
        ("  - {id: twice, match: {action: app.x}, require: aal2}\n  - {id: again, match: {action: app.x}, require: aal2}\n",
         "p.yaml:5:5: warning: rule 'again' never changes a decision: rule 'twice' (line 4) matches whenever it does and is at least as strict"),
        ("  - {id: empty, match: {action: app.x, subject: {roles: []}}, deny: no}\n",
         "p.yaml:4:5: warning: rule 'empty' can never match: its roles list is empty"),
        ("  - {id: range, match: {action: app.x, context: {amount: {'>': 10, '<': 5}}}, deny: no}\n",
         "p.yaml:4:5: warning: rule 'range' can never match: context.amount has no number in its range"),
        ("  - {id: none, match: {action: app.x, transaction: {currency: {in: []}}}, deny: no}\n",
         "p.yaml:4:5: warning: rule 'none' can never match: transaction.currency must be in an empty list"),
        ("  - {id: msg, match: {action: app.x}, require: {level: aal2, message: 'Pay {{amount}}'}}\n",
         "p.yaml:4:71: warning: message shows {{amount}} but rule 'msg' does not bind it; add it to 'bind' so the approved value cannot change"),
    ])
    func warnings(rules: String, expected: String) throws {
        let (policy, diagnostics) = Policy.check(yaml: Self.head + "rules:\n" + rules, file: "p.yaml")
        #expect(diagnostics.items.map(\.description) == [expected])
        #expect(try #require(policy).warnings.map(\.description) == [expected])
    }

    @Test func everyErrorIsReportedNotOnlyTheFirst() {
        let diagnostics = PolicyFixture.diagnostics("""
        default: aal7
        rules:
          - {id: a, require: aal9}
          - {id: b, match: {colour: red}, allow: true}
        """)
        #expect(diagnostics.count == 3)
        #expect(diagnostics.allSatisfy { $0.hasPrefix("p.yaml:") && $0.contains(": error: ") })
    }

    @Test func errorsThrowWithAllDiagnostics() {
        #expect(throws: PolicyError.self) { try Policy.load(yaml: "default: nope\n", file: "x.yaml") }
        do {
            _ = try Policy.load(yaml: "default: nope\n", file: "x.yaml")
        } catch {
            #expect(error.diagnostics.errors.first?.description.hasPrefix("x.yaml:1:10: error: default must be") == true)
            #expect(error.description.contains("fix these and load it again"))
        }
    }
}
