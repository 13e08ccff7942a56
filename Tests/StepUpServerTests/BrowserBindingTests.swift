import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// "Every form carries a CSRF token bound to the session (or, before sign-in, to a pre-session cookie)" and
/// "browsers get a signed device cookie".
@Suite("CSRF and device cookies", .timeLimit(.minutes(5)))
struct BrowserBindingTests {
    /// Posts the "add an authenticator app" form (harmless for a user without one) with `csrf`.
    static func startTOTP(_ browser: inout Browser, _ client: some TestClientProtocol, csrf: String) async throws
        -> HTTPResponse.Status
    {
        try await browser.post(client, "/account/totp", ["csrf": csrf]).status
    }

    @Test func aCSRFTokenWorksOnlyForTheSessionItWasIssuedTo() async throws {
        let harness = try TestHarness()
        let bob = try await harness.service.createUser(username: "bob", password: "bob's long password")
        try await harness.knowDevice(of: bob)
        try await harness.application().test(.router) { client in
            // Two sessions of the same user: the token is bound to the session, not to the user.
            var first = harness.knownBrowser()
            var second = harness.knownBrowser()
            #expect(try await first.signIn(client, "bob", "bob's long password").headers[.location] == "/account")
            #expect(try await second.signIn(client, "bob", "bob's long password").headers[.location] == "/account")
            let firstToken = try #require(Browser.csrf(in: try await first.get(client, "/account").html))
            let secondToken = try #require(Browser.csrf(in: try await second.get(client, "/account").html))
            #expect(firstToken != secondToken)

            #expect(try await Self.startTOTP(&second, client, csrf: firstToken) == .forbidden)
            #expect(try await Self.startTOTP(&first, client, csrf: secondToken) == .forbidden)
            #expect(try await Self.startTOTP(&second, client, csrf: "") == .forbidden)
            #expect(try await Self.startTOTP(&second, client, csrf: secondToken) == .ok, "its own token works")
            #expect(try await Self.startTOTP(&first, client, csrf: firstToken) == .ok)
        }
    }

    @Test func theSignInFormsTokenIsRefusedOnceSignedIn() async throws {
        let harness = try TestHarness()
        let bob = try await harness.service.createUser(username: "bob", password: "bob's long password")
        try await harness.knowDevice(of: bob)
        try await harness.application().test(.router) { client in
            // One pre-session's token does not sign in another pre-session.
            var other = harness.knownBrowser()
            let otherToken = try #require(Browser.csrf(in: try await other.get(client, "/login").html))
            var browser = harness.knownBrowser()
            let form = try await browser.get(client, "/login")
            let preToken = try #require(Browser.csrf(in: form.html))
            let preCookie = try #require(browser.cookies[WebSupport.preSessionCookie])
            let crossed = try await browser.post(client, "/login", ["username": "bob", "password": "bob's long password",
                                                                    "csrf": otherToken])
            #expect(crossed.status == .forbidden)
            #expect(browser.cookies[WebSupport.sessionCookie] == nil)

            let signedIn = try await browser.post(client, "/login", ["username": "bob", "password": "bob's long password",
                                                                     "csrf": preToken])
            #expect(signedIn.headers[.location] == "/account", "\(signedIn.status) \(signedIn.html)")
            #expect(browser.cookies[WebSupport.preSessionCookie] == nil, "the pre-session cookie is cleared")
            #expect(try await Self.startTOTP(&browser, client, csrf: preToken) == .forbidden)
            // Even with the old pre-session cookie put back, the login form's token is no session's token.
            browser.cookies[WebSupport.preSessionCookie] = preCookie
            #expect(try await Self.startTOTP(&browser, client, csrf: preToken) == .forbidden)
            let accountToken = try #require(Browser.csrf(in: try await browser.get(client, "/account").html))
            #expect(try await Self.startTOTP(&browser, client, csrf: accountToken) == .ok)
        }
    }

    /// Tampered device cookies: each must be read as no device (a fresh cookie, and the step-up a new device gets).
    static func tampered(_ harness: TestHarness) -> [(String, String)] {
        let genuine = harness.deviceCookieValue
        let dot = genuine.lastIndex(of: ".")!
        let value = String(genuine[..<dot]), mac = String(genuine[genuine.index(after: dot)...])
        let flipped = (mac.hasPrefix("A") ? "B" : "A") + mac.dropFirst()  // the last character holds padding bits
        let stranger = CookieSigner(key: SymmetricKey(size: .bits256))
        return [
            ("another secret, the genuine signature", "other-device-secret-0000000000000000000000." + mac),
            ("the genuine secret, a changed signature", value + "." + flipped),
            ("signed with another key", stranger.sign(TestHarness.deviceSecret, purpose: "device")),
            ("signed for another purpose", CookieSigner(key: harness.cookieKey).sign(TestHarness.deviceSecret,
                                                                                       purpose: "csrf")),
            ("the bare secret", TestHarness.deviceSecret),
        ]
    }

    @Test func aTamperedDeviceCookieIsNoDevice() async throws {
        let harness = try TestHarness()
        let (alice, _) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            // The genuine cookie proves alice's known device: no new cookie, and no step-up.
            var genuine = harness.knownBrowser()
            let form = try await genuine.get(client, "/login")
            #expect(Browser.setCookie(WebSupport.deviceCookie, in: form.headers) == nil)
            let signedIn = try await genuine.signIn(client, "alice")
            #expect(signedIn.headers[.location] == "/account", "\(signedIn.status)")
            #expect(Browser.setCookie(WebSupport.deviceCookie, in: signedIn.headers) == nil)

            for (label, cookie) in Self.tampered(harness) {
                var browser = Browser()
                browser.cookies[WebSupport.deviceCookie] = cookie
                let page = try await browser.get(client, "/login")
                let replacement = Browser.setCookie(WebSupport.deviceCookie, in: page.headers)
                #expect(replacement != nil && replacement != cookie, "\(label): a browser without a device gets one")
                browser.cookies[WebSupport.deviceCookie] = cookie  // keep presenting the tampered one
                let reply = try await browser.post(client, "/login", [
                    "username": "alice", "password": "correct horse battery",
                    "csrf": try #require(Browser.csrf(in: page.html)),
                ])
                #expect(reply.headers[.location]?.hasPrefix("/step-up/") == true,
                        "\(label): a sign-in from no device is stepped up, got \(reply.headers[.location] ?? "")")
                #expect(Browser.setCookie(WebSupport.deviceCookie, in: reply.headers) != nil,
                        "\(label): the sign-in issues a device of its own")
            }
        }
        // No session was ever tied to the test device except the genuine browser's.
        let sessions = try await harness.store.stores.audit.auditEvents(after: 0, limit: 500)
            .filter { $0.event.type == "login.step_up" && $0.event.userID == alice.id }
        #expect(sessions.count == Self.tampered(harness).count)
    }
}
