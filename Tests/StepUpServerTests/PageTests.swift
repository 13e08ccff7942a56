import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// A tiny cookie jar and form poster for driving the pages through the router.
struct Browser {
    var cookies: [String: String] = [:]

    var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    mutating func absorb(_ headers: HTTPFields) {
        for field in headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1,
                                                                   omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let (name, value) = (String(pair[0]), String(pair[1]))
            if value.isEmpty || field.value.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, html: String)
    {
        let reply = try await client.execute(uri: uri, method: .get,
                                             headers: [.cookie: cookieHeader, .accept: "text/html"]) { $0 }
        absorb(reply.headers)
        return (reply.status, reply.headers, String(buffer: reply.body))
    }

    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ form: [String: String]) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, html: String)
    {
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        let reply = try await client.execute(
            uri: uri, method: .post,
            headers: [.cookie: cookieHeader, .contentType: "application/x-www-form-urlencoded", .accept: "text/html"],
            body: ByteBuffer(string: body)) { $0 }
        absorb(reply.headers)
        return (reply.status, reply.headers, String(buffer: reply.body))
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }
}

@Suite("Browser pages", .timeLimit(.minutes(5)))
struct PageTests {
    @Test func signInNeedsTheFormsCSRFTokenAndSetsHardenedCookies() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let page = try await browser.get(client, "/login")
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            let csrf = try #require(Browser.csrf(in: page.html))

            var forged = browser
            let noToken = try await forged.post(client, "/login",
                                                ["username": "alice", "password": "correct horse battery"])
            #expect(noToken.status == .forbidden)

            let signedIn = try await browser.post(client, "/login", ["username": "alice", "csrf": csrf,
                                                                     "password": "correct horse battery"])
            #expect(signedIn.status == .seeOther)
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("stepup_session=") })
            #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            // A new browser: the sign-in is pending until its step-up, and every page sends it there.
            let stepUp = try #require(signedIn.headers[.location])
            #expect(stepUp.hasPrefix("/step-up/"))
            let pending = try await browser.get(client, "/account")
            #expect(pending.status == .seeOther)
            #expect(pending.headers[.location]?.hasPrefix(String(stepUp.prefix { $0 != "?" })) == true)
            let prompt = try await browser.get(client, stepUp)
            _ = try await browser.post(client, String(stepUp.prefix { $0 != "?" }),
                                       ["factor": "totp", "code": harness.totp(secret), "next": "/account",
                                        "csrf": try #require(Browser.csrf(in: prompt.html))])
            let account = try await browser.get(client, "/account")
            #expect(account.status == .ok)
            #expect(account.html.contains("alice"))

            var stranger = Browser()
            let escaped = try await stranger.get(client, "/login?next=//evil.example")
            #expect(!escaped.html.contains("evil.example"), "no open redirects")
        }
    }

    @Test func stepUpPageShowsWhatIsApprovedAndRotatesTheSession() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let loginPage = try await browser.get(client, "/login")
            let csrf = try #require(Browser.csrf(in: loginPage.html))
            let signedIn = try await browser.post(client, "/login", ["username": "alice", "csrf": csrf,
                                                                     "password": "correct horse battery"])
            // A sign-in from a new device is stepped up first (risk: new_device raises the demo's login to aal2).
            let loginStepUp = try #require(signedIn.headers[.location])
            #expect(loginStepUp.hasPrefix("/step-up/"))
            let firstPrompt = try await browser.get(client, loginStepUp)
            _ = try await browser.post(client, String(loginStepUp.prefix { $0 != "?" }),
                                       ["factor": "totp", "code": harness.totp(secret),
                                        "csrf": try #require(Browser.csrf(in: firstPrompt.html)), "next": "/demo"])
            harness.clock.advance(30)
            let before = try #require(browser.cookies["stepup_session"])
            let bank = try await browser.get(client, "/demo")
            let bankCSRF = try #require(Browser.csrf(in: bank.html))
            let transfer = try await browser.post(client, "/demo/transfer",
                                                  ["amount": "1500.00", "currency": "EUR", "payee": "ACME Ltd",
                                                   "csrf": bankCSRF])
            #expect(transfer.status == .seeOther)
            let location = try #require(transfer.headers[.location])
            #expect(location.hasPrefix("/step-up/"))
            let prompt = try await browser.get(client, location)
            #expect(prompt.html.contains("1500") && prompt.html.contains("ACME Ltd") && prompt.html.contains("EUR"))
            let promptCSRF = try #require(Browser.csrf(in: prompt.html))
            let path = String(location.prefix { $0 != "?" })
            let next = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "next" }?.value)
            let verified = try await browser.post(client, path, ["factor": "totp", "code": harness.totp(secret),
                                                                 "csrf": promptCSRF, "next": next])
            #expect(verified.status == .seeOther, "\(verified.html)")
            #expect(browser.cookies["stepup_session"] != before, "a new session token after step-up")
            let confirm = try await browser.get(client, try #require(verified.headers[.location]))
            #expect(confirm.html.contains("Send now"))
            let form = try #require(Browser.csrf(in: confirm.html))
            let grant = try #require(confirm.html.range(of: "name=\"grant\" value=\"").map {
                String(confirm.html[$0.upperBound...].prefix { $0 != "\"" })
            })
            let sent = try await browser.post(client, "/demo/transfer",
                                              ["amount": "1500.00", "currency": "EUR", "payee": "ACME Ltd",
                                               "csrf": form, "grant": grant])
            #expect(sent.status == .ok)
            #expect(sent.html.contains("Sent 1500 EUR to ACME Ltd"))
            let old = try await client.execute(uri: "/account", method: .get,
                                               headers: [.cookie: "stepup_session=\(before)"]) { $0 }
            #expect(old.status == .seeOther, "the pre-step-up token no longer works")
        }
    }

    @Test func errorsInTheBrowserAreReadablePages() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let missing = try await browser.get(client, "/no/such/page")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(missing.html.contains("<h1>"))
            let signedOut = try await browser.get(client, "/account")
            #expect(signedOut.status == .seeOther)
            #expect(signedOut.headers[.location]?.hasPrefix("/login?next=") == true)
        }
    }
}
