import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import StepUpCrypto
import Testing
@testable import StepUpServer

/// One configuration key, set to a non-default value, and a check that the running server behaves accordingly.
/// (Keys about files, listeners and secrets — storage, policy file, host, port, secrets, network lists — are
/// exercised by the end-to-end tests that start the binary.)
struct ConfigEffect: Sendable, CustomTestStringConvertible {
    var key: String
    var configure: @Sendable (inout ServerConfiguration) -> Void
    var check: @Sendable (AdversaryServer, Wire) async throws -> Void
    var testDescription: String { key }

    static let all: [ConfigEffect] = [
        ConfigEffect(key: "passwords.memory_kib/iterations/parallelism", configure: {
            $0.passwords.memoryKiB = 512
            $0.passwords.iterations = 2
            $0.passwords.parallelism = 2
        }, check: { server, _ in
            try await server.user(totp: false)
            let user = try #require(try await server.store.user(username: "alice"))
            let phc = try #require(try await server.store.passwordHash(userID: user.id))
            #expect(phc.hasPrefix("$argon2id$v=19$m=512,t=2,p=2$"), "\(phc)")
        }),
        ConfigEffect(key: "passwords.concurrent_hashes", configure: { $0.passwords.concurrentHashes = 3 },
                     check: { server, _ in #expect(server.service.crypto.pool.threadCount == 3) }),
        ConfigEffect(key: "totp.issuer/digits/period/window", configure: {
            $0.totp.issuer = "Acme Corp"
            $0.totp.digits = 8
            $0.totp.period = 60
            $0.totp.window = 0
        }, check: { server, client in
            try await server.user(totp: false)
            let session = try await client.signIn()
            let token = try #require(session.json["token"] as? String)
            let started = try await client.send(.post, "/v1/factors/totp", token: token)
            let uri = try #require(started.json["otpauth_uri"] as? String, "\(started.text)")
            #expect(uri.contains("issuer=Acme%20Corp") && uri.contains("digits=8") && uri.contains("period=60"),
                    "\(uri)")
            let secret = try Base32.decode(try #require(started.json["secret"] as? String))
            let totp = try TOTP(secret: secret, digits: 8, period: 60)
            let id = try #require(started.json["factor_id"] as? String)
            // window 0: the previous step's code is refused.
            let old = totp.code(at: server.clock.now.addingTimeInterval(-60))
            #expect(try await client.send(.post, "/v1/factors/totp/\(id)/confirm", token: token,
                                          json: ["code": old]).problemType == "invalid-code")
            let now = totp.code(at: server.clock.now)
            #expect(try await client.send(.post, "/v1/factors/totp/\(id)/confirm", token: token,
                                          json: ["code": now]).status == .ok)
        }),
        ConfigEffect(key: "sessions.lifetime_seconds", configure: { $0.sessions.lifetime = 600 },
                     check: { server, client in
            try await server.user(totp: false)
            let token = try #require(try await client.signIn().json["token"] as? String)
            #expect(try await client.send(.get, "/v1/sessions/current", token: token).status == .ok)
            server.clock.advance(601)
            #expect(try await client.send(.get, "/v1/sessions/current", token: token).status == .unauthorized)
        }),
        ConfigEffect(key: "sessions.secure_cookies", configure: { $0.sessions.secureCookies = false },
                     check: { _, client in
            let page = try await client.send(.get, "/login")
            let cookies = page.headers[values: .setCookie]
            #expect(!cookies.isEmpty && cookies.allSatisfy { !$0.contains("Secure") }, "\(cookies)")
        }),
        ConfigEffect(key: "sessions.cookie_domain", configure: {
            $0.http.publicURL = "https://auth.example.org"
            $0.sessions.cookieDomain = "example.org"
        }, check: { server, client in
            try await server.user(totp: false)
            let reply = try await client.signIn()
            #expect(reply.status == .created)
            let page = try await client.send(.get, "/login")
            #expect(page.headers[values: .setCookie].allSatisfy { !$0.contains("Domain=") },
                    "only the session cookie is shared")
        }),
        ConfigEffect(key: "forward_auth.hosts/headers", configure: {
            $0.forwardAuth.hosts = ["*.example.org"]
            $0.forwardAuth.userHeader = "X-Auth-User"
            $0.forwardAuth.levelHeader = "X-Auth-Level"
        }, check: { server, client in
            try await server.user(totp: false)
            let token = try #require(try await client.signIn().json["token"] as? String)
            let answer = try await client.send(.get, "/auth/verify", token: token, headers: [
                "X-Forwarded-Method": "GET", "X-Forwarded-Host": "app.example.org", "X-Forwarded-Uri": "/",
            ])
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.headers[HTTPField.Name("X-Auth-User")!] == "alice")
            #expect(answer.headers[HTTPField.Name("X-Auth-Level")!] != nil)
            #expect(answer.headers[HTTPField.Name("Remote-User")!] == nil)
            let login = try await client.send(.get, "/login?next=https%3A%2F%2Fapp.example.org%2Fx")
            #expect(login.text.contains("app.example.org"),
                    "a protected host is a valid return target")
        }),
        ConfigEffect(key: "challenges.max_attempts/lifetime_seconds", configure: {
            $0.challenges.maxAttempts = 2
            $0.challenges.lifetime = 60
        }, check: { server, client in
            let secret = try #require(try await server.user())
            let reply = try await client.signIn()
            let challenge = try #require(reply.json["step_up"] as? [String: Any])
            #expect(challenge["attempts_left"] as? Int == 2)
            let token = try #require(reply.json["token"] as? String)
            server.clock.advance(61)
            let late = try await client.send(.post, "/v1/challenges/\(challenge["id"] as? String ?? "")/verify",
                                             token: token, json: ["factor": "totp", "code": server.code(secret)])
            #expect(late.problemType == "challenge-expired")
        }),
        ConfigEffect(key: "challenges.grant_lifetime_seconds", configure: { $0.challenges.grantLifetime = 60 },
                     check: { server, client in
            let secret = try #require(try await server.user())
            let owner = try await client.fullSignIn(server, secret: secret)
            let transfer: [String: Any] = ["amount": 5000, "currency": "EUR", "payee": "P"]
            let decision = try await client.decide(owner.token, "bank.transfer", transaction: transfer)
            let id = try #require((decision.json["challenge"] as? [String: Any])?["id"] as? String)
            _ = try await client.send(.post, "/v1/challenges/\(id)/verify", token: owner.token,
                                      json: ["factor": "totp", "code": server.code(secret)])
            server.clock.advance(61)
            let late = try await client.decide(owner.token, "bank.transfer", transaction: transfer, grant: id)
            #expect(late.json["decision"] as? String == "step_up")
        }),
        ConfigEffect(key: "login.max_failures_per_address/failure_window_seconds", configure: {
            $0.login.maxFailuresPerAddress = 2
            $0.login.failureWindow = 120
        }, check: { server, client in
            try await server.user(totp: false)
            for _ in 0..<2 { _ = try await client.signIn(password: "wrong password", ip: "198.51.100.1") }
            let limited = try await client.signIn(ip: "198.51.100.1")
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 <= 120)
            server.clock.advance(121)
            #expect(try await client.signIn(ip: "198.51.100.1").status == .created)
        }),
        ConfigEffect(key: "login.max_failures_per_account", configure: { $0.login.maxFailuresPerAccount = 2 },
                     check: { server, client in
            try await server.user(totp: false)
            for index in 0..<2 { _ = try await client.signIn(password: "wrong", ip: "198.51.100.\(index)") }
            #expect(try await client.signIn(ip: "198.51.100.9").status == .tooManyRequests)
        }),
        ConfigEffect(key: "server.max_body_bytes", configure: { $0.http.maxBodyBytes = 1_024 },
                     check: { _, client in
            let big = try await client.send(.post, "/v1/sessions",
                                            json: ["username": "alice", "password": String(repeating: "x", count: 2_000)])
            #expect(big.status == .contentTooLarge)
        }),
        ConfigEffect(key: "server.public_url", configure: { $0.http.publicURL = "https://login.example" },
                     check: { server, client in
            try await server.user()
            let reply = try await client.signIn()
            let page = (reply.json["step_up"] as? [String: Any])?["page_url"] as? String
            #expect(page?.hasPrefix("https://login.example/step-up/") == true, "\(reply.text)")
        }),
    ]
}
