import Foundation
import HTTPTypes
import JWTKit
import StepUpCore
import StepUpOIDC
import Testing
@testable import StepUpServer

/// The built-in gateway, in front of a real upstream on a socket, as users, API clients and attackers meet it.
@Suite("Gateway", .timeLimit(.minutes(5)))
struct GatewayAttackTests {
    static let policy = Policy.defaultYAML.replacingOccurrences(of: "\nrules:\n", with: """

        routes:
          - {host: app.example.test, method: POST, path: /transfers, action: bank.transfer}
          - {host: app.example.test, path: "/admin/**", action: console.admin}
          - {host: app.example.test, path: "/**", action: app.use}
        rules:
          - id: gw-transfer-large
            match: {action: bank.transfer, context: {amount: {">": 1000}}}
            require: {level: aal2, max_age: 0, bind: [amount, payee], message: "Approve {{amount}} to {{payee}}"}
          - {id: gw-admin, match: {action: console.admin}, deny: not through the gateway}

        """)

    static func configure(upstream port: Int, timeout: Double = 30) -> @Sendable (inout ServerConfiguration) -> Void {
        { configuration in
            configuration.http.publicURL = "http://auth.example.test"
            configuration.gateway.routes = [
                .init(host: "app.example.test", path: "/transfers", upstream: "http://127.0.0.1:\(port)", bindBody: true),
                .init(host: "app.example.test", upstream: "http://127.0.0.1:\(port)/base"),
                .init(host: "down.example.test", upstream: "http://127.0.0.1:1"),
            ]
            configuration.gateway.timeout = timeout
        }
    }

    static func echo(_ reply: Reply) throws -> EchoUpstream.Echo {
        try JSONDecoder().decode(EchoUpstream.Echo.self, from: Data(reply.text.utf8))
    }

    @Test func allowedRequestsReachTheUpstreamWithIdentityAndWithoutSpoofing() async throws {
        try await EchoUpstream.with { port in
            try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure(upstream: port)) {
                server, wire in
                let secret = try #require(try await server.user())
                let (token, _) = try await wire.fullSignIn(server, secret: secret)
                let reply = try await wire.send(.get, "/reports?q=1", token: token, cookies: ["stepup_session": token,
                                                                                            "theme": "dark"],
                                                headers: ["Host": "app.example.test", "Remote-User": "root",
                                                          "StepUp-Level": "aal3", "X-Forwarded-Host": "evil.example",
                                                          "Remote-Email": "root@evil.example"])
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(reply.headers[HTTPField.Name("X-Upstream")!] == "echo", "the upstream's own headers come back")
                #expect(reply.headers[.contentSecurityPolicy] == nil, "StepUp's page headers stay off the app")
                let seen = try Self.echo(reply)
                #expect(seen.path == "/base/reports?q=1")
                #expect(seen.headers["remote-user"] == "alice")
                #expect(seen.headers["stepup-level"] == "aal2")
                #expect(seen.headers["remote-email"] == nil)
                #expect(seen.headers["x-forwarded-host"] == "app.example.test")
                #expect(seen.headers["x-forwarded-for"] == "203.0.113.7")
                #expect(seen.headers["host"] == "app.example.test")
                #expect(seen.headers["cookie"] == "theme=dark", "StepUp's session cookie never reaches the app")
                #expect(seen.headers["authorization"] != nil, "the app's own credentials pass")
                let decided = try #require(try await server.audit("decision.allow").last?.event.details)
                #expect(decided["action"] == "app.use")
                #expect(decided["path"] == "/reports")
            }
        }
    }

    @Test func aBodyBoundStepUpCoversExactlyThatBody() async throws {
        try await EchoUpstream.with { port in
            try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure(upstream: port)) {
                server, wire in
                let secret = try #require(try await server.user())
                let (token, _) = try await wire.fullSignIn(server, secret: secret)
                let host = ["Host": "app.example.test"]
                let small = try await wire.send(.post, "/transfers", token: token,
                                                json: ["amount": 20, "payee": "ACME Ltd"], headers: host)
                #expect(small.status == .ok, "a small transfer passes: \(small.text)")
                let forwarded = try #require(try Self.echo(small).body)
                #expect(forwarded.contains(#""amount":20"#) && forwarded.contains(#""payee":"ACME Ltd""#),
                        "the body reaches the app as sent: \(forwarded)")

                let large = try await wire.send(.post, "/transfers", token: token,
                                                json: ["amount": 1500, "payee": "ACME Ltd"], headers: host)
                #expect(large.status == .unauthorized)
                #expect(large.headers[.wwwAuthenticate]?.contains("insufficient_user_authentication") == true)
                let challenge = try #require(large.headers[HTTPField.Name("StepUp-Challenge")!])
                let shown = try await wire.send(.get, "/v1/challenges/\(challenge)", token: token)
                #expect((shown.json["message"] as? String)?.contains("1500") == true, "\(shown.text)")
                let verified = try await wire.send(.post, "/v1/challenges/\(challenge)/verify", token: token,
                                                   json: ["factor": "totp", "code": server.code(secret, steps: 1)])
                #expect(verified.status == .ok, "\(verified.text)")

                // The grant with a different amount: refused, and the upstream never sees it.
                var granted = host
                granted["StepUp-Grant"] = challenge
                let tampered = try await wire.send(.post, "/transfers", token: token,
                                                   json: ["amount": 9500, "payee": "ACME Ltd"], headers: granted)
                #expect(tampered.status == .unauthorized, "\(tampered.text)")
                #expect(tampered.headers[HTTPField.Name("X-Upstream")!] == nil)
                let exact = try await wire.send(.post, "/transfers", token: token,
                                                json: ["amount": 1500, "payee": "ACME Ltd"], headers: granted)
                #expect(exact.status == .ok, "the approved body passes with its grant: \(exact.text)")
                let again = try await wire.send(.post, "/transfers", token: token,
                                                json: ["amount": 1500, "payee": "ACME Ltd"], headers: granted)
                #expect(again.status == .unauthorized, "a grant passes once")
                // Bodies the gateway must read are bounded and typed.
                let huge = try await wire.send(.post, "/transfers", token: token,
                                               json: ["amount": 1, "pad": String(repeating: "x", count: 70_000)],
                                               headers: host)
                #expect(huge.status == .contentTooLarge)
                let binary = try await wire.send(.post, "/transfers", token: token, form: nil,
                                                 headers: host.merging(["Content-Type": "application/octet-stream",
                                                                        "Content-Length": "0"]) { $1 })
                #expect(binary.status == .ok || binary.status == .unsupportedMediaType)
            }
        }
    }

    @Test func aBrowsersFormPostIsReplayedOnceAfterTheStepUp() async throws {
        try await EchoUpstream.with { port in
            try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure(upstream: port)) {
                server, wire in
                let secret = try #require(try await server.user())
                let (token, _) = try await wire.fullSignIn(server, secret: secret)
                let browser = ["Host": "app.example.test", "Accept": "text/html"]
                let posted = try await wire.send(.post, "/transfers", form: ["amount": "2500", "payee": "Bob"],
                                                 cookies: ["stepup_session": token], headers: browser)
                #expect(posted.status == .found, "\(posted.text)")
                let location = try #require(posted.headers[.location])
                #expect(location.hasPrefix("http://auth.example.test/step-up/chl_"), "\(location)")
                let challenge = String(try #require(location.firstMatch(of: /chl_[A-Za-z0-9_-]+/)?.output))
                #expect(location.hasSuffix("next=http%3A%2F%2Fapp.example.test%2F.stepup%2Freplay%2F\(challenge)"))
                let verified = try await wire.send(.post, "/v1/challenges/\(challenge)/verify", token: token,
                                                   json: ["factor": "totp", "code": server.code(secret, steps: 1)])
                #expect(verified.status == .ok, "\(verified.text)")

                let replay = "/.stepup/replay/\(challenge)?grant=\(challenge)"
                try await server.user("mallory", totp: false)
                let other = try await wire.signIn("mallory")
                let otherToken = try #require(other.json["token"] as? String)
                let stolen = try await wire.send(.get, replay, cookies: ["stepup_session": otherToken], headers: browser)
                #expect(stolen.status == .notFound, "another session cannot send it")

                let sent = try await wire.send(.get, replay, cookies: ["stepup_session": token], headers: browser)
                #expect(sent.status == .ok, "\(sent.text)")
                let seen = try Self.echo(sent)
                #expect(seen.method == "POST")
                #expect(seen.body == "amount=2500&payee=Bob", "the very request the user made")
                let twice = try await wire.send(.get, replay, cookies: ["stepup_session": token], headers: browser)
                #expect(twice.status == .notFound, "sent once")
            }
        }
    }

    @Test func signInDenialAndUpstreamFailuresAreClearAnswers() async throws {
        try await EchoUpstream.with { port in
            try await AdversaryServer.with(policyYAML: Self.policy, configure: Self.configure(upstream: port,
                                                                                             timeout: 1)) {
                server, wire in
                let browser = try await wire.send(.get, "/reports", headers: ["Host": "app.example.test",
                                                                              "Accept": "text/html"])
                #expect(browser.status == .found)
                #expect(browser.headers[.location] == "http://auth.example.test/login?next=http%3A%2F%2Fapp.example.test"
                    + "%2Freports")
                let api = try await wire.send(.get, "/reports", headers: ["Host": "app.example.test"])
                #expect(api.status == .unauthorized)
                #expect(api.headers[HTTPField.Name("X-Upstream")!] == nil)

                let secret = try #require(try await server.user())
                let (token, _) = try await wire.fullSignIn(server, secret: secret)
                let denied = try await wire.send(.get, "/admin/x", token: token, headers: ["Host": "app.example.test"])
                #expect(denied.status == .forbidden)
                #expect((denied.json["detail"] as? String)?.contains("not through the gateway") == true)
                let down = try await wire.send(.get, "/", token: token, headers: ["Host": "down.example.test"])
                #expect(down.status == .badGateway)
                #expect(down.problemType == "upstream-unavailable")
                #expect(down.headers[.contentType] == "application/problem+json")
                let slow = try await wire.send(.get, "/slow", token: token, headers: ["Host": "app.example.test"])
                #expect(slow.status == .gatewayTimeout, "\(slow.text)")
                // A small answer is read whole before it is sent on: one that stops short of its length and goes
                // quiet is a 504, never a truncated 200.
                let short = try await wire.send(.get, "/short", token: token, headers: ["Host": "app.example.test"])
                #expect(short.status == .gatewayTimeout, "\(short.text)")
                #expect(short.problemType == "upstream-timeout")
                // StepUp's own routes still answer on other hosts.
                let health = try await wire.send(.get, "/healthz")
                #expect(health.status == .ok)
            }
        }
    }
}

/// `gateway.assertion`: the upstream gets a JWT it can verify against the published JWKS, bound to its request —
/// and a client's own `StepUp-Assertion` never reaches it.
@Suite("Gateway assertions", .timeLimit(.minutes(5)))
struct GatewayAssertionTests {
    @Test func theUpstreamGetsAVerifiableAssertionBoundToItsRequest() async throws {
        try await EchoUpstream.with { port in
            let configure = GatewayAttackTests.configure(upstream: port)
            try await AdversaryServer.with(policyYAML: GatewayAttackTests.policy, configure: {
                configure(&$0)
                $0.gateway.assertion = true
                $0.gateway.assertionLifetime = 30
            }) { server, wire in
                let secret = try #require(try await server.user())
                let (token, _) = try await wire.fullSignIn(server, secret: secret)
                let reply = try await wire.send(.get, "/reports/7?q=1", token: token,
                                                headers: ["Host": "app.example.test", "StepUp-Assertion": "forged"])
                #expect(reply.status == .ok, "\(reply.text)")
                let assertion = try #require(try GatewayAttackTests.echo(reply).headers["stepup-assertion"])
                #expect(assertion != "forged", "the client's own header was dropped")

                // Verified the way an upstream would: the JWKS from the provider's published endpoint.
                let jwks = try await wire.send(.get, "/oauth2/jwks")
                #expect(jwks.status == .ok)
                let keys = try await JWTKeyCollection().add(jwksJSON: jwks.text)
                let claims = try await keys.verify(assertion, as: GatewayAssertionClaims.self)
                let header = try DefaultJWTParser().parse(Array(assertion.utf8), as: GatewayAssertionClaims.self).header
                #expect(header.typ == GatewayAssertionClaims.type)
                #expect(claims.iss == "http://auth.example.test")
                #expect(claims.aud == "http://127.0.0.1:\(port)", "the upstream's origin")
                #expect(claims.username == "alice" && claims.roles == ["customer"])
                #expect(claims.htm == "GET" && claims.htu == "http://app.example.test/reports/7")
                #expect(claims.acr?.isEmpty == false && claims.amr.contains("otp"), "\(claims.amr)")
                #expect(claims.exp.timeIntervalSince(claims.iat) == 30)
                let session = try #require(try await server.service.authenticate(token: token)).session
                #expect(claims.sid == session.id && claims.sub == session.userID)

                // Never an access token: the edge refuses it as a bearer credential.
                let asBearer = try await wire.send(.get, "/reports", token: assertion,
                                                   headers: ["Host": "app.example.test", "Accept": "application/json"])
                #expect(asBearer.status == .unauthorized)
                // Another request gets another assertion.
                let second = try await wire.send(.get, "/reports/8", token: token, headers: ["Host": "app.example.test"])
                let other = try #require(try GatewayAttackTests.echo(second).headers["stepup-assertion"])
                let otherClaims = try await keys.verify(other, as: GatewayAssertionClaims.self)
                #expect(otherClaims.jti != claims.jti && otherClaims.htu.hasSuffix("/reports/8"))
            }
        }
    }
}
