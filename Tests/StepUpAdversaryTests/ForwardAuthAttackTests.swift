import Foundation
import HTTPTypes
import JWTKit
import StepUpCore
import StepUpOIDC
import Testing
@testable import StepUpServer

/// Forward auth (`/auth/verify`) as a proxy, a browser, an API client and an attacker meet it.
@Suite("Forward auth", .timeLimit(.minutes(5)))
struct ForwardAuthAttackTests {
    static let policy = Policy.defaultYAML.replacingOccurrences(of: "\nrules:\n", with: """

        routes:
          - {host: app.example.test, path: "/reports/**", action: reports.read}
          - {host: app.example.test, path: "/admin/**", action: console.admin}
          - {host: app.example.test, method: POST, path: "/accounts/{id}/transfers", action: bank.transfer, query: [amount]}
        rules:
          - {id: fa-reports, match: {action: reports.read}, require: aal1}
          - {id: fa-admin, match: {action: console.admin}, require: {level: aal2, max_age: 10m}}
          - {id: fa-no-delete, match: {action: http.request, method: DELETE}, deny: deleting is not allowed here}

        """)

    static func configure(_ configuration: inout ServerConfiguration) {
        configuration.http.publicURL = "http://auth.example.test"
        configuration.forwardAuth.hosts = ["app.example.test"]
        configuration.sessions.cookieDomain = "example.test"
    }

    /// What Caddy and Traefik send for the original request (nginx sends X-Original-URL instead).
    static func forwarded(_ method: String, _ uri: String, host: String = "app.example.test") -> [String: String] {
        ["X-Forwarded-Method": method, "X-Forwarded-Proto": "https", "X-Forwarded-Host": host, "X-Forwarded-Uri": uri]
    }

    @Test func anAllowCarriesWhoTheUserIsAndHowRecentlyTheyProvedIt() async throws {
        try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure) { server, wire in
            let secret = try #require(try await server.user())
            let (token, _) = try await wire.fullSignIn(server, secret: secret)
            let reply = try await wire.send(.get, "/auth/verify", token: token,
                                            headers: Self.forwarded("GET", "/reports/2026?q=1"))
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.headers[HTTPField.Name("Remote-User")!] == "alice")
            #expect(reply.headers[HTTPField.Name("Remote-Groups")!] == "customer")
            #expect(reply.headers[HTTPField.Name("StepUp-Level")!] == "aal2")
            #expect(reply.headers[HTTPField.Name("StepUp-Acr")!]?.isEmpty == false)
            let authTime = try #require(reply.headers[HTTPField.Name("StepUp-Auth-Time")!].flatMap(Int.init))
            #expect(abs(Double(authTime) - server.clock.now.timeIntervalSince1970) < 120)
            let decided = try #require(try await server.audit("decision.allow").last?.event.details)
            #expect(decided["action"] == "reports.read", "the route named the action")
            #expect(decided["method"] == "GET")
            #expect(decided["path"] == "/reports/2026")
        }
    }

    @Test func eachPathHasItsOwnFreshnessAndAPIClientsGetRFC9470() async throws {
        try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure) { server, wire in
            let secret = try #require(try await server.user())
            let (token, _) = try await wire.fullSignIn(server, secret: secret)
            server.clock.advance(20 * 60)
            let reports = try await wire.send(.get, "/auth/verify", token: token,
                                              headers: Self.forwarded("GET", "/reports"))
            #expect(reports.status == .ok, "aal1 has no max_age here: \(reports.text)")
            let admin = try await wire.send(.get, "/auth/verify", token: token,
                                            headers: Self.forwarded("GET", "/admin/users"))
            #expect(admin.status == .unauthorized)
            let challengeHeader = try #require(admin.headers[.wwwAuthenticate])
            #expect(challengeHeader.contains("error=\"insufficient_user_authentication\""))
            #expect(challengeHeader.contains("max_age=600"))
            #expect(challengeHeader.contains("acr_values=\""))
            #expect(admin.problemType == "step-up-required")
            let id = try #require(admin.json["challenge_id"] as? String)
            let verified = try await wire.send(.post, "/v1/challenges/\(id)/verify", token: token,
                                               json: ["factor": "totp", "code": server.code(secret)])
            #expect(verified.status == .ok, "\(verified.text)")
            var retry = Self.forwarded("GET", "/admin/users")
            retry["StepUp-Grant"] = id
            let passed = try await wire.send(.get, "/auth/verify", token: token, headers: retry)
            #expect(passed.status == .ok, "\(passed.text)")
            #expect(passed.headers[HTTPField.Name("Remote-User")!] == "alice")
        }
    }

    @Test func browsersAreSentToSignInAndStepUpAndBack() async throws {
        try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure) { server, wire in
            let html = ["Accept": "text/html,application/xhtml+xml"]
            let caddy = try await wire.send(.get, "/auth/verify",
                                            headers: Self.forwarded("GET", "/reports?x=1").merging(html) { $1 })
            #expect(caddy.status == .found)
            #expect(caddy.headers[.location]
                == "http://auth.example.test/login?next=https%3A%2F%2Fapp.example.test%2Freports%3Fx%3D1")
            var nginxHeaders = html
            nginxHeaders["X-Original-URL"] = "https://app.example.test/reports?x=1"
            nginxHeaders["X-Original-Method"] = "GET"
            let nginx = try await wire.send(.get, "/auth/verify/nginx", headers: nginxHeaders)
            #expect(nginx.status == .unauthorized, "nginx only understands 401 from auth_request")
            #expect(nginx.headers[.location] == caddy.headers[.location])

            // The cookie session of a signed-in browser, stale for /admin: sent to the step-up page, then back.
            let secret = try #require(try await server.user())
            let (token, _) = try await wire.fullSignIn(server, secret: secret)
            server.clock.advance(20 * 60)
            let stale = try await wire.send(.get, "/auth/verify", cookies: [WebSupport.sessionCookie: token],
                                            headers: Self.forwarded("GET", "/admin").merging(html) { $1 })
            #expect(stale.status == .found)
            let location = try #require(stale.headers[.location])
            #expect(location.hasPrefix("http://auth.example.test/step-up/chl_"), "\(location)")
            #expect(location.hasSuffix("?next=https%3A%2F%2Fapp.example.test%2Fadmin"), "\(location)")
        }
    }

    @Test func spoofedIdentityAndForwardingHeadersGainNothing() async throws {
        try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure) { server, wire in
            let secret = try #require(try await server.user())
            _ = try await server.user("mallory", roles: ["customer"], totp: false)
            let (token, _) = try await wire.fullSignIn(server, secret: secret)
            let spoof = ["Remote-User": "root", "Remote-Groups": "admin", "StepUp-Level": "aal3",
                         "StepUp-Auth-Time": "9999999999"]
            // No credentials, but identity headers: still not signed in.
            let anonymous = try await wire.send(.get, "/auth/verify",
                                                headers: Self.forwarded("GET", "/reports").merging(spoof) { $1 })
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[HTTPField.Name("Remote-User")!] == nil)
            // Alice's token with headers naming someone else: the answer names alice.
            let alice = try await wire.send(.get, "/auth/verify", token: token,
                                            headers: Self.forwarded("GET", "/reports").merging(spoof) { $1 })
            #expect(alice.status == .ok)
            #expect(alice.headers[HTTPField.Name("Remote-User")!] == "alice")
            #expect(alice.headers[HTTPField.Name("Remote-Groups")!] == "customer")
            #expect(alice.headers[HTTPField.Name("StepUp-Level")!] == "aal2")
        }
        // An untrusted peer (no proxy configured) is not answered at all, whatever it claims.
        try await AdversaryServer.with(policyYAML: Self.policy, configure: { configuration in
            Self.configure(&configuration)
            configuration.network.trustedProxies = []
        }) { server, wire in
            let secret = try #require(try await server.user())
            let reply = try await wire.send(.get, "/auth/verify", headers: Self.forwarded("GET", "/reports"))
            #expect(reply.status == .forbidden)
            #expect(reply.problemType == "untrusted-proxy")
            _ = secret
        }
    }

    @Test func denialsAndMalformedRequestsAreClearProblems() async throws {
        try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure) { server, wire in
            let secret = try #require(try await server.user())
            let (token, _) = try await wire.fullSignIn(server, secret: secret)
            let delete = try await wire.send(.get, "/auth/verify", token: token,
                                             headers: Self.forwarded("DELETE", "/anything"))
            #expect(delete.status == .forbidden)
            #expect((delete.json["detail"] as? String)?.contains("deleting is not allowed here") == true)
            for headers in [[:], ["X-Forwarded-Uri": "no-slash", "X-Forwarded-Host": "app.example.test"],
                            ["X-Original-URL": "javascript:alert(1)"],
                            ["X-Forwarded-Uri": "/a", "X-Forwarded-Host": "evil host"],
                            ["X-Forwarded-Uri": "/a", "X-Forwarded-Host": "app.example.test",
                             "X-Forwarded-Method": "G E T"]] {
                let reply = try await wire.send(.get, "/auth/verify", token: token, headers: headers)
                #expect(reply.status == .badRequest, "\(headers)")
                #expect(reply.problemType == "bad-request")
            }
        }
    }

    @Test func signInReturnsOnlyToProtectedHostsAndSharesTheSessionCookie() async throws {
        try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure) { server, wire in
            _ = try await server.user("bob", totp: false)
            for (next, expected) in [
                ("https://app.example.test/reports?x=1", "https://app.example.test/reports?x=1"),
                ("https://evil.example/reports", "/account"),
                ("https://app.example.test@evil.example/", "/account"),
                ("https://app.example.test.evil.example/", "/account"),
                ("https://app.example.test//evil.example", "/account"),
                ("//app.example.test/reports", "/account"),
            ] {
                let page = try await wire.send(.get, "/login")
                #expect(page.headers[.contentSecurityPolicy]?.contains("form-action 'self' app.example.test:*;") == true,
                        "a form's redirect may lead to a protected host, and only there")
                let csrf = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.output.1)
                let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("stepup_presession=") })
                let presession = String(cookie.dropFirst("stepup_presession=".count).prefix { $0 != ";" })
                let reply = try await wire.send(.post, "/login",
                                                form: ["username": "bob", "password": "correct horse battery",
                                                       "next": next, "csrf": String(csrf)],
                                                cookies: ["stepup_presession": presession])
                #expect(reply.status == .seeOther, "\(next): \(reply.text.prefix(300))")
                #expect(reply.headers[.location] == expected, "\(next)")
                let session = reply.headers[values: .setCookie].first { $0.hasPrefix("stepup_session=") }
                #expect(session?.contains("Domain=example.test") == true, "\(session ?? "no session cookie")")
                let device = reply.headers[values: .setCookie].first { $0.hasPrefix("stepup_device=") }
                #expect(device.map { !$0.contains("Domain=") } ?? true, "the device cookie stays on StepUp's host")
            }
        }
    }

    /// Traefik is not packaged here, so its ForwardAuth request is replayed header for header: a GET to the
    /// address with the client's headers plus the X-Forwarded-* set Traefik 2/3 adds (`trustForwardHeader: false`
    /// makes Traefik write them itself), and every non-2xx answer is handed to the client as is.
    @Test func traefiksForwardAuthRequestIsUnderstood() async throws {
        try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure) { server, wire in
            let secret = try #require(try await server.user())
            let (token, _) = try await wire.fullSignIn(server, secret: secret)
            func traefik(_ method: String, _ uri: String, accept: String) -> [String: String] {
                ["X-Forwarded-Method": method, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "app.example.test",
                 "X-Forwarded-Uri": uri, "X-Forwarded-Port": "443", "X-Forwarded-Server": "traefik-7f9c",
                 "X-Real-Ip": "203.0.113.7", "Accept": accept, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"]
            }
            let page = try await wire.send(.get, "/auth/verify", token: token,
                                           headers: traefik("GET", "/reports/q1", accept: "text/html"))
            #expect(page.status == .ok)
            for name in ["Remote-User", "Remote-Groups", "Remote-Name", "Remote-Email", "StepUp-Level", "StepUp-Acr",
                         "StepUp-Auth-Time"] {
                #expect(page.headers[HTTPField.Name(name)!] != nil, "authResponseHeaders lists \(name)")
            }
            let browser = try await wire.send(.get, "/auth/verify",
                                              headers: traefik("POST", "/accounts/9/transfers?amount=5",
                                                               accept: "text/html"))
            #expect(browser.status == .found)
            #expect(browser.headers[.location] == "http://auth.example.test/login?next=https%3A%2F%2Fapp.example.test"
                + "%2Faccounts%2F9%2Ftransfers%3Famount%3D5")
            let api = try await wire.send(.get, "/auth/verify", token: token,
                                          headers: traefik("POST", "/accounts/9/transfers?amount=5",
                                                           accept: "application/json"))
            #expect(api.status == .ok || api.status == .unauthorized, "\(api.text)")
            let decided = try #require(try await server.audit(api.status == .ok ? "decision.allow" : "decision.step_up")
                .last?.event.details)
            #expect(decided["action"] == "bank.transfer")
            #expect(decided["method"] == "POST")
        }
    }
}

/// Issue #13: forward auth also accepts StepUp's own JWT access tokens (RFC 9068) — for the session they were
/// issued in, while it lasts — and nothing that merely looks like one.
@Suite("Forward auth with JWT access tokens", .timeLimit(.minutes(5)))
struct ForwardAuthAccessTokenTests {
    /// An access token the OpenID Provider issues for the session behind `token` (as its token endpoint would).
    static func accessToken(_ server: AdversaryServer, session token: String) async throws -> String {
        let (session, _) = try #require(try await server.service.authenticate(token: token))
        let ladder = server.service.policy.current.ladder
        let level = try #require(session.effectiveLevel(in: ladder, at: server.clock.now))
        let client = OIDCClient(id: "reports-app", redirectURIs: ["https://app.example.test/callback"],
                                authentication: .none)
        let issued = IssuedAuthentication(session: session, level: level, now: server.clock.now)
        return try await server.oidc.tokens(client: client, scopes: ["openid"], authentication: issued, nonce: nil,
                                            refresh: nil).accessToken
    }

    @Test func aJWTAccessTokenStandsForItsLiveSessionOnly() async throws {
        try await AdversaryServer.with(policyYAML: ForwardAuthAttackTests.policy,
                                       configure: ForwardAuthAttackTests.configure) { server, wire in
            let secret = try #require(try await server.user())
            let (token, _) = try await wire.fullSignIn(server, secret: secret)
            let jwt = try await Self.accessToken(server, session: token)
            #expect(Authenticator.looksLikeJWT(jwt))
            let request = ForwardAuthAttackTests.forwarded("GET", "/reports/1")

            let allowed = try await wire.send(.get, "/auth/verify", token: jwt, headers: request)
            #expect(allowed.status == .ok, "\(allowed.text)")
            #expect(allowed.headers[HTTPField.Name("Remote-User")!] == "alice")

            // Tampered: the payload changed, the signature kept.
            let parts = jwt.split(separator: ".").map(String.init)
            let payload = try #require(Base64URL.decode(parts[1]))
            let changed = String(decoding: payload, as: UTF8.self)
                .replacingOccurrences(of: "\"reports-app\"", with: "\"other-app00\"")
            let forged = [parts[0], Base64URL.encode(Array(changed.utf8)), parts[2]].joined(separator: ".")
            #expect(forged != jwt)
            #expect(try await wire.send(.get, "/auth/verify", token: forged, headers: request).status == .unauthorized)
            // Signed by a key StepUp never published.
            let foreign = try await JWTKeyCollection().add(ecdsa: ES256PrivateKey(), kid: "foreign")
                .sign(try await server.oidc.verifyAccessToken(jwt)!, header: ["typ": "at+jwt"])
            #expect(try await wire.send(.get, "/auth/verify", token: foreign, headers: request).status == .unauthorized)

            // Signing out ends the session, and with it every token issued in it.
            #expect(try await wire.send(.delete, "/v1/sessions/current", token: token).status == .noContent)
            let after = try await wire.send(.get, "/auth/verify", token: jwt, headers: request)
            #expect(after.status == .unauthorized, "\(after.text)")
            // The JSON API never takes them: its bearer tokens are StepUp session tokens.
            let (again, _) = try await wire.fullSignIn(server, secret: secret)
            let fresh = try await Self.accessToken(server, session: again)
            #expect(try await wire.send(.get, "/v1/sessions/current", token: fresh).status == .unauthorized)
        }
    }
}
