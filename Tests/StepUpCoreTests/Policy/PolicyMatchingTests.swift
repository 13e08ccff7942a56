import Foundation
import Testing
@testable import StepUpCore

@Suite("Policy matching", .timeLimit(.minutes(5)))
struct PolicyMatchingTests {
    /// Returns the ids of the rules in `rules` that match `input` (default allow, each rule denies).
    static func matched(_ rules: String, _ input: PolicyInput) throws -> [String] {
        let policy = try PolicyFixture.policy("default: allow\nrules:\n" + rules)
        let result = policy.evaluate(input)
        #expect(policy.explain(input).rules == result.rules)
        return result.rules.filter { $0 != "default" }
    }

    @Test(arguments: [
        ("payments.*", "payments.transfer", true),
        ("payments.*", "payments.transfer.large", false),
        ("payments.*", "payments", false),
        ("admin.**", "admin.users", true),
        ("admin.**", "admin.users.delete", true),
        ("admin.**", "admin", false),
        ("admin.**", "administrator.x", false),
        ("**", "anything.at.all", true),
        ("*", "single", true),
        ("*", "two.parts", false),
        ("pay*.transfer", "payments.transfer", true),
        ("pay*.transfer", "refunds.transfer", false),
        ("*.export", "bank.export", true),
        ("a.**.z", "a.b.c.z", true),
        ("a.**.z", "a.z", false),
        ("bank.transfer", "bank.transfer", true),
        ("bank.transfer", "bank.transfers", false),
    ])
    func actionGlobs(pattern: String, action: String, matches: Bool) throws {
        let rules = "  - {id: r, match: {action: \"\(pattern)\"}, deny: x}\n"
        #expect(try Self.matched(rules, PolicyFixture.input(action)) == (matches ? ["r"] : []))
        #expect(ActionGlob(pattern).matches(action) == matches)
    }

    @Test(arguments: [
        ("/accounts/{id}/transfers", "POST", "/accounts/42/transfers", true),
        ("/accounts/{id}/transfers", "POST", "/accounts/42/transfers?x=1", true),
        ("/accounts/{id}/transfers", "GET", "/accounts/42/transfers", false),
        ("/accounts/{id}/transfers", "POST", "/accounts//transfers", false),
        ("/accounts/{id}/transfers", "POST", "/accounts/42/transfers/7", false),
        ("/admin/**", "post", "/admin/users/7", true),
        ("/admin/**", "POST", "/admin", true),
        ("/admin/**", "POST", "/administrator", false),
        ("/static/*", "POST", "/static/app.js", true),
    ])
    func methodAndPath(pattern: String, method: String, path: String, matches: Bool) throws {
        let rules = "  - {id: r, match: {method: [POST, PUT], path: \"\(pattern)\"}, deny: x}\n"
        let input = PolicyFixture.input("http", method: method, path: path)
        #expect(try Self.matched(rules, input) == (matches ? ["r"] : []))
    }

    @Test func pathParameters() throws {
        let rules = """
          - id: big-account
            match: {path: ["/accounts/{id}/transfers", "/v2/accounts/{id}/transfers"], path_params: {id: {'>': 1000}}}
            deny: x

        """
        for (path, matches) in [("/accounts/1500/transfers", true), ("/v2/accounts/2000/transfers?a=1", true),
                                ("/accounts/7/transfers", false), ("/accounts/abc/transfers", false)] {
            let input = PolicyFixture.input("http", method: "POST", path: path)
            #expect(try Self.matched(rules, input) == (matches ? ["big-account"] : []), "\(path)")
        }
        let missing = PolicyFixture.diagnostics(PolicyFixture.ladder + """

        default: allow
        rules:
          - {id: a, match: {path: "/x/{id}", path_params: {account: 1}}, deny: x}
          - {id: b, match: {path_params: {id: 1}}, deny: x}
        """)
        #expect(missing.contains { $0.hasSuffix("error: path parameter 'account' is not a {account} segment of '/x/{id}'") })
        #expect(missing.contains { $0.hasSuffix("error: path_params needs a 'path' pattern with {name} segments in the same match") })
    }

    @Test func subjectRolesGroupsTenant() throws {
        let rules = """
          - {id: roles, match: {subject: {roles: [admin, ops]}}, deny: x}
          - {id: not-roles, match: {subject: {not_roles: [admin]}}, deny: x}
          - {id: groups, match: {subject: {groups: [finance]}}, deny: x}
          - {id: not-groups, match: {subject: {not_groups: [finance]}}, deny: x}
          - {id: tenant, match: {subject: {tenant: [acme, globex]}}, deny: x}

        """
        let admin = Subject(id: "u", username: "u", roles: ["ops"], groups: ["finance"], tenant: "acme")
        #expect(try Self.matched(rules, PolicyFixture.input(subject: admin)) == ["roles", "not-roles", "groups", "tenant"])
        let plain = Subject(id: "u", username: "u", roles: ["admin"], tenant: "initech")
        #expect(try Self.matched(rules, PolicyFixture.input(subject: plain)) == ["roles", "not-groups"])
    }

    @Test(arguments: [
        ("10.1.2.3", ["office", "v4", "dual"]),
        ("2001:db8::1", ["office", "not-v4", "dual"]),
        ("::ffff:10.0.0.1", ["office", "v4"]),
        ("192.0.2.1", ["not-office", "not-v4"]),
        ("not an ip", ["not-office", "not-v4"]),
    ])
    func networks(ip: String, expected: [String]) throws {
        let rules = """
          - {id: office, match: {network: [office]}, deny: x}
          - {id: v4, match: {network: [10.0.0.0/8, 172.16.0.0/12]}, deny: x}
          - {id: not-office, match: {not_network: [office]}, deny: x}
          - {id: not-v4, match: {not_network: [10.0.0.0/8]}, deny: x}
          - {id: dual, match: {network: ["2001:db8::/32", 10.1.0.0/16]}, deny: x}

        """
        var got = try Self.matched(rules, PolicyFixture.input(context: RequestContext(ip: ip)))
        got.sort()
        #expect(got == expected.sorted())
    }

    @Test func riskBandAndSignals() throws {
        let rules = """
          - {id: medium, match: {risk: medium}, deny: x}
          - {id: high, match: {risk: {band: high}}, deny: x}
          - {id: signal, match: {risk: {signals: [new_device, impossible_travel]}}, deny: x}

        """
        let newDevice = RiskSignal(name: "new_device", weight: 30, evidence: "first use")
        let low = RiskAssessment(score: 0, band: .low, signals: [])
        let medium = RiskAssessment(score: 30, band: .medium, signals: [newDevice])
        let critical = RiskAssessment(score: 99, band: .critical, signals: [])
        #expect(try Self.matched(rules, PolicyFixture.input(risk: low)) == [])
        #expect(try Self.matched(rules, PolicyFixture.input(risk: medium)) == ["medium", "signal"])
        #expect(try Self.matched(rules, PolicyFixture.input(risk: critical)) == ["medium", "high"])
    }

    @Test(arguments: [
        // PolicyFixture.now is Friday 2027-01-15 08:00 UTC = 09:00 in Paris.
        ("{days: [mon-fri], hours: '09:00-17:00', time_zone: Europe/Paris}", 0.0, true),
        ("{days: [mon-fri], hours: '09:00-17:00', time_zone: UTC}", 0.0, false),
        ("{days: [sat, sun]}", 0.0, false),
        ("{days: [sat, sun]}", 86_400.0, true),
        ("{hours: '22:00-06:00'}", -3 * 3_600.0, true),
        ("{hours: '22:00-06:00'}", 0.0, false),
        ("{days: [mon-fri], hours: '09:00-17:00', time_zone: Europe/Paris, outside: true}", 0.0, false),
        ("{days: [mon-fri], hours: '09:00-17:00', time_zone: Europe/Paris, outside: true}", 9 * 3_600.0, true),
        ("{days: [fri-mon]}", 3 * 86_400.0, true),
    ])
    func timeWindows(window: String, offset: Double, matches: Bool) throws {
        let rules = "  - {id: r, match: {time: \(window)}, deny: x}\n"
        let input = PolicyFixture.input(now: PolicyFixture.now.addingTimeInterval(offset))
        #expect(try Self.matched(rules, input) == (matches ? ["r"] : []))
        // A time in the request context wins over `now`.
        let timed = PolicyFixture.input(context: RequestContext(time: PolicyFixture.now.addingTimeInterval(offset)))
        #expect(try Self.matched(rules, timed) == (matches ? ["r"] : []))
    }

    @Test func sessionFactors() throws {
        let rules = """
          - {id: phishing-resistant, match: {session: {phishing_resistant: true}}, deny: x}
          - {id: recent-totp, match: {session: {factors: [totp], within: 10m}}, deny: x}
          - {id: at-aal2, match: {session: {level: aal2}}, deny: x}
          - {id: none, match: {session: {present: false}}, deny: x}
          - {id: some, match: {session: {present: true}}, deny: x}

        """
        #expect(try Self.matched(rules, PolicyFixture.input()) == ["none"])
        let passwordOnly = PolicyFixture.session([(.password, 60)])
        #expect(try Self.matched(rules, PolicyFixture.input(session: passwordOnly)) == ["some"])
        let twoFactor = PolicyFixture.session([(.password, 60), (.totp, 120)])
        #expect(try Self.matched(rules, PolicyFixture.input(session: twoFactor)) == ["recent-totp", "at-aal2", "some"])
        let oldTotp = PolicyFixture.session([(.password, 60), (.totp, 3_600)])
        #expect(try Self.matched(rules, PolicyFixture.input(session: oldTotp)) == ["at-aal2", "some"])
        let passkey = PolicyFixture.session([(.webauthn, 60)])
        #expect(try Self.matched(rules, PolicyFixture.input(session: passkey))
            == ["phishing-resistant", "at-aal2", "some"])
    }

    @Test func cidrParsing() {
        #expect(CIDR("10.0.0.0/8") != nil)
        #expect(CIDR("::/0") != nil)
        #expect(CIDR("0.0.0.0/0")?.contains(IPAddress.parse("8.8.8.8")!) == true)
        #expect(CIDR("0.0.0.0/0")?.contains(IPAddress.parse("2001:db8::1")!) == false)
        #expect(CIDR("fe80::1%eth0") != nil)
        for bad in ["10.0.0.0/33", "10.0.0/8", "1.2.3.4.5", "::/129", "1:2:3:4:5:6:7:8:9", "a::b::c", "", "/8",
                    "256.1.1.1", "10.0.0.0/-1", "12345::", "1.2.3.4/8/9"] {
            #expect(CIDR(bad) == nil, "\(bad)")
        }
        #expect(IPAddress.parse("::1") == IPAddress.parse("0:0:0:0:0:0:0:1"))
        #expect(IPAddress.parse("::ffff:1.2.3.4")?.low == IPAddress.parse("1.2.3.4")?.low)
    }
}
