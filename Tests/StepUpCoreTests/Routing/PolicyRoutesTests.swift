import Foundation
import Testing
@testable import StepUpCore

/// `routes:` — how forward auth and the gateway turn an HTTP request into an action.
@Suite("Policy routes")
struct PolicyRoutesTests {
    static let routes = """
    default: allow
    rules:
      - {id: transfer, match: {action: bank.transfer}, require: aal2}
    routes:
      - {host: app.example.com, method: POST, path: "/accounts/{id}/transfers", action: bank.transfer, query: [amount]}
      - {host: "*.example.com", path: "/admin/**", action: admin.console}
      - {path: /reports, method: [GET, HEAD], action: reports.read}
    """

    @Test func aRouteNamesTheActionWithPathAndQueryAttributes() throws {
        let policy = try PolicyFixture.policy(Self.routes)
        let (request, route) = policy.route(method: "post", host: "APP.example.com:8443",
                                            target: "/accounts/12%2034/transfers?amount=1500&memo=x#frag")
        #expect(route?.action == "bank.transfer")
        #expect(request.action == "bank.transfer")
        #expect(request.method == "POST")
        #expect(request.path == "/accounts/12%2034/transfers")
        #expect(request.resource == ["id": .string("12 34")])
        #expect(request.context.attributes == ["amount": .string("1500")], "only the listed query parameters")
    }

    @Test(arguments: [
        ("GET", "app.example.com", "/accounts/1/transfers", "http.request"),  // method not routed
        ("POST", "other.example.org", "/accounts/1/transfers", "http.request"),  // host not routed
        ("POST", "app.example.com", "/accounts//transfers", "http.request"),  // empty {id}
        ("GET", "ops.example.com", "/admin", "admin.console"),  // ** matches nothing too
        ("GET", "a.b.example.com", "/admin/users/7", "admin.console"),
        ("GET", "example.com", "/admin/users", "http.request"),  // *.example.com is not example.com
        ("HEAD", "anything", "/reports?x=1", "reports.read"),
        ("DELETE", "anything", "/reports", "http.request"),
    ])
    func requestsReachTheFirstMatchingRouteOrNone(method: String, host: String, target: String, action: String)
        throws
    {
        let policy = try PolicyFixture.policy(Self.routes)
        let (request, _) = policy.route(method: method, host: host, target: target)
        #expect(request.action == action)
        #expect(request.method == method)
    }

    @Test func theFirstRouteWinsAndRulesSeeTheRoutedRequest() throws {
        let policy = try PolicyFixture.policy("""
        default: allow
        rules:
          - {id: admin, match: {action: "admin.**"}, require: aal3}
          - {id: writes, match: {action: http.request, method: [POST, PUT, DELETE]}, deny: read-only}
        routes:
          - {path: /admin/**, action: admin.console}
          - {path: /admin/public, action: site.page}
        """)
        let admin = policy.route(method: "GET", host: nil, target: "/admin/public").request
        #expect(admin.action == "admin.console")
        #expect(policy.evaluate(PolicyFixture.input(admin.action, method: admin.method, path: admin.path))
            .outcome.level == "aal3")
        let post = policy.route(method: "POST", host: nil, target: "/elsewhere").request
        let result = policy.evaluate(PolicyFixture.input(post.action, method: post.method, path: post.path))
        #expect(result.outcome == .deny("read-only"))
    }

    @Test func checkReportsUnreachableAndOverlappingRoutesWithPositions() {
        let diagnostics = PolicyFixture.diagnostics("""
        default: allow
        routes:
          - {path: "/api/**", action: api.call}
          - {path: "/api/users/{id}", method: GET, action: users.read}
          - {host: app.example.com, path: "/files/*", action: files.read}
          - {path: "/files/{name}", method: POST, action: files.write}
          - {path: "/other", action: files.read}
          - {path: "/files/{name}", host: "*.example.com", action: files.read}
        """)
        #expect(diagnostics == [
            "p.yaml:4:5: warning: route GET /api/users/{id} is unreachable: the route at line 3 (any method /api/**"
                + " → api.call) takes every request it matches",
            "p.yaml:6:5: warning: route POST /files/{name} → files.write overlaps the route at line 5 (any method "
                + "app.example.com/files/* → files.read); requests matching both are files.read",
            "p.yaml:8:5: warning: route any method *.example.com/files/{name} → files.read overlaps the route at line "
                + "6 (POST /files/{name} → files.write); requests matching both are files.write",
        ], "\(diagnostics)")
    }

    @Test(arguments: [
        ("- {path: /a, action: x.y, color: red}", "3:29: error: unknown key 'color' in a route (known keys: action, host, method, path, query)"),
        ("- {path: /a}", "3:5: error: a route needs a 'path' and an 'action' (e.g. {path: /admin/**, action: admin.console})"),
        ("- {path: a/b, action: x.y}", "3:12: error: 'a/b' is not a path pattern: start with / and use ** only at the end"),
        ("- {path: /a/**/b, action: x.y}", "3:12: error: '/a/**/b' is not a path pattern: start with / and use ** only at the end"),
        ("- {path: /a, action: 'x..y'}", "3:24: error: 'x..y' is not a valid action name (dotted segments such as bank.transfer)"),
        ("- {path: /a, action: x.y, host: 'bad host'}", "3:35: error: 'bad host' is not a host name or *.domain (e.g. app.example.com)"),
        ("- {path: /a, action: x.y, method: 'G3T'}", "3:37: error: 'G3T' is not an HTTP method (GET, POST, …)"),
    ])
    func badRoutesAreErrorsAtTheirPosition(route: String, expected: String) {
        let diagnostics = PolicyFixture.diagnostics("default: allow\nroutes:\n  \(route)\n")
        #expect(diagnostics.first { $0.contains(": error: ") } == "p.yaml:" + expected, "\(diagnostics)")
    }

    @Test func hostPatternsCompareCaseInsensitivelyWithoutThePort() throws {
        let exact = try #require(HostPattern("App.Example.com"))
        #expect(exact.matches("app.example.COM:443"))
        #expect(!exact.matches("app.example.com.evil.org"))
        let wildcard = try #require(HostPattern("*.example.com"))
        #expect(wildcard.matches("x.example.com"))
        #expect(!wildcard.matches("example.com"))
        #expect(!wildcard.matches("xexample.com"))
        #expect(wildcard.covers(exact) && !exact.covers(wildcard))
        for bad in ["", "*", "*.", "a..b", "-a.com", "a_b.com", "exa mple.com", "*.*.com", "ex/ample.com"] {
            #expect(HostPattern(bad) == nil, "\(bad)")
        }
    }

    @Test func explainTakesAMethodAndURL() throws {
        let yaml = PolicyFixture.ladder + "\n" + Self.routes
        let output = PolicyCLI.explain(yaml: yaml, file: "p.yaml",
                                       request: #"{"session": {"factors": [{"factor": "password", "age": "1m"}]}}"#,
                                       method: "POST", url: "https://app.example.com/accounts/12/transfers?amount=9",
                                       now: PolicyFixture.now)
        #expect(output.exitCode == 0, "\(output.text)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.text.utf8)) as? [String: Any])
        #expect(json["action"] as? String == "bank.transfer")
        #expect(json["outcome"] as? String == "step_up")
        #expect(json["rules"] as? [String] == ["transfer"])
        let route = try #require(json["route"] as? [String: Any])
        #expect(route["line"] as? Int == 15)
        #expect(route["summary"] as? String == "POST app.example.com/accounts/{id}/transfers")

        let unrouted = PolicyCLI.explain(yaml: yaml, file: "p.yaml", request: nil, method: "DELETE", url: "/x",
                                         now: PolicyFixture.now)
        #expect(unrouted.exitCode == 0, "\(unrouted.text)")
        #expect(unrouted.text.contains(#""action" : "http.request""#), "\(unrouted.text)")
        #expect(!unrouted.text.contains(#""route""#))

        for bad in ["ftp://x/", "app.example.com/x", "https:///x"] {
            let refused = PolicyCLI.explain(yaml: yaml, file: "p.yaml", request: nil, url: bad, now: PolicyFixture.now)
            #expect(refused.exitCode == 1, "\(bad)")
            #expect(refused.text.contains("--url must be"), "\(bad): \(refused.text)")
        }
    }
}
