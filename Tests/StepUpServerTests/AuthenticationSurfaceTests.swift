import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// Issue #13, item 4: one place authenticates a request, and each surface accepts only its own credential — the
/// API a bearer token, the pages and the demo the session cookie — and one place decides the demo's pages.
@Suite("Authentication and decisions as middleware", .timeLimit(.minutes(5)))
struct AuthenticationSurfaceTests {
    private static func cookie(_ token: String) -> HTTPFields {
        [.cookie: "\(WebSupport.sessionCookie)=\(token)", .accept: "text/html"]
    }

    @Test func theAPIReadsOnlyBearerTokensAndThePagesOnlyTheCookie() async throws {
        let harness = try TestHarness()
        let (alice, _) = try await harness.aliceWithTOTP()
        try await harness.knowDevice(of: alice)
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            // The same session, presented the way each surface expects: accepted.
            #expect(try await client.json(.get, "/v1/sessions/current", token: token).status == .ok)
            let page = try await client.execute(uri: "/account", method: .get, headers: Self.cookie(token)) { $0 }
            #expect(page.status == .ok)

            // The cookie on the API: not signed in (the API has no CSRF protection, so it never reads cookies).
            let viaCookie = try await client.execute(uri: "/v1/sessions/current", method: .get,
                                                     headers: Self.cookie(token)) { $0 }
            #expect(viaCookie.status == .unauthorized)
            #expect(String(buffer: viaCookie.body).contains("unauthenticated"))

            // A bearer token on the pages: not signed in (a header cannot drive a form or open the account).
            for path in ["/account", "/demo", "/demo/export"] {
                let viaHeader = try await client.execute(
                    uri: path, method: .get, headers: [.authorization: "Bearer \(token)", .accept: "text/html"]) { $0 }
                #expect(viaHeader.status == .seeOther, "\(path)")
                #expect(viaHeader.headers[.location]?.hasPrefix("/login?next=") == true, "\(path)")
            }
        }
    }

    @Test func aPendingSignInReachesOnlyItsChallengeOnEverySurface() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            // An unknown device: the sign-in waits for its step-up.
            let login = try await client.json(.post, "/v1/sessions",
                                              body: ["username": "alice", "password": "correct horse battery"])
            #expect(login.status == .created)
            let token = try #require(login.json["token"] as? String)
            let challenge = try #require((login.json["step_up"] as? [String: Any])?["id"] as? String)

            #expect(try await client.json(.get, "/v1/sessions/current", token: token).status == .ok)
            let factors = try await client.json(.get, "/v1/factors", token: token)
            #expect(factors.status == .unauthorized)
            #expect((factors.json["type"] as? String)?.hasSuffix("/sign-in-incomplete") == true, "\(factors.text)")
            let decision = try await client.json(.post, "/v1/decisions", token: token,
                                                 body: ["action": "bank.balance.view"])
            #expect(decision.status == .unauthorized)

            // In the browser, every guarded page sends the sign-in to its own challenge and back.
            for path in ["/account", "/demo", "/demo/admin"] {
                let page = try await client.execute(uri: path, method: .get, headers: Self.cookie(token)) { $0 }
                #expect(page.status == .seeOther, "\(path)")
                #expect(page.headers[.location]?.hasPrefix("/step-up/\(challenge)?next=") == true,
                        "\(path): \(page.headers[.location] ?? "")")
            }
            let audited = try await harness.store.stores.audit.auditEvents(after: 0, limit: 1_000)
            #expect(!audited.contains { $0.event.type.hasPrefix("decision.") && $0.event.details["action"] == "admin.console.view" },
                    "a pending sign-in is never decided")
        }
    }

    @Test func aGuardedPageRunsOnlyOnAllowAndEveryAnswerIsAudited() async throws {
        let harness = try TestHarness()
        let (alice, _) = try await harness.aliceWithTOTP()
        try await harness.knowDevice(of: alice)
        try await harness.application().test(.router) { client in
            let token = try await client.login()
            // The balance is allowed at the sign-in's level; the export wants a fresh second factor.
            let home = try await client.execute(uri: "/demo", method: .get, headers: Self.cookie(token)) { $0 }
            #expect(home.status == .ok)
            #expect(String(buffer: home.body).contains("12,480.50 EUR"))
            let export = try await client.execute(uri: "/demo/export", method: .get, headers: Self.cookie(token)) { $0 }
            #expect(export.status == .seeOther)
            #expect(export.headers[.location]?.hasPrefix("/step-up/chl_") == true)
            #expect(!String(buffer: export.body).contains("Salary"), "the handler did not run")
            let types = try await harness.store.stores.audit.auditEvents(after: 0, limit: 1_000).map(\.event.type)
            #expect(types.contains("decision.allow") && types.contains("decision.step_up"), "\(types)")
        }
    }
}

/// The credential parsers read untrusted headers on every request: exact on the cases that matter, and in
/// agreement with Hummingbird's own cookie parser on random well-formed headers.
@Suite("Credential parsing")
struct CredentialParsingTests {
    @Test(arguments: [
        ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER  abc  ", "abc"), ("BeArEr x.y-z_0~", "x.y-z_0~"),
        ("Bearer", nil), ("Bearer ", nil), ("Bearer    ", nil), ("Bearerabc", nil), ("Basic abc", nil),
        ("Bearér abc", nil), ("", nil), (" Bearer abc", nil),
    ] as [(String, String?)])
    func bearerTokens(_ header: String, _ expected: String?) {
        #expect(Authenticator.bearerToken(header) == expected, "\(header)")
    }

    @Test(arguments: [
        ("stepup_session=tok", "tok"), ("a=1; stepup_session=tok; b=2", "tok"), ("a=1;stepup_session=tok", "tok"),
        ("stepup_session=", nil), ("xstepup_session=tok", nil), ("stepup_sessionx=tok", nil), ("a=1", nil),
        ("stepup_session=first; stepup_session=second", "first"), ("stepup_session", nil), (";;", nil), ("", nil),
    ] as [(String, String?)])
    func sessionCookies(_ header: String, _ expected: String?) {
        #expect(Authenticator.cookie("stepup_session", in: header) == expected, "\(header)")
    }

    @Test func cookiesAgreeWithHummingbirdsParser() {
        var generator = SystemRandomNumberGenerator()
        let names = ["stepup_session", "stepup_device", "a", "session", "stepup_sessio"]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~%")
        for _ in 0..<2_000 {
            var seen = Set<String>()
            let pairs: [String] = (0..<Int.random(in: 0...4, using: &generator)).compactMap { _ in
                let name = names.randomElement(using: &generator)!
                guard seen.insert(name).inserted else { return nil }
                let value = String((0..<Int.random(in: 1...24, using: &generator)).map { _ in
                    alphabet.randomElement(using: &generator)!
                })
                return "\(name)=\(value)"
            }
            let header = pairs.joined(separator: "; ")
            let ours = Authenticator.cookie("stepup_session", in: header)
            let theirs = Cookies(from: [header])["stepup_session"]?.value
            #expect(ours == theirs, "\(header)")
        }
    }
}
