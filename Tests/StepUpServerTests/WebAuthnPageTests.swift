import Foundation
import HTTPTypes
import HummingbirdTesting
import StepUpCore
import StepUpTestSupport
import StepUpWebAuthn
import Testing
@testable import StepUpServer

/// The pages' passkey forms, driven the way `/static/webauthn.js` drives them: read `data-options` and the ceremony,
/// answer with the authenticator, post the form with its CSRF token.
@Suite("WebAuthn pages", .timeLimit(.minutes(5)))
struct WebAuthnPageTests {
    /// The value of attribute `name` on the element with `id`, unescaped.
    static func attribute(_ name: String, of id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let open = html[..<start.lowerBound].lastIndex(of: "<") ?? start.lowerBound
        let element = html[open...].prefix { $0 != ">" }
        guard let value = element.range(of: " \(name)=\"") else { return nil }
        return unescape(String(element[value.upperBound...].prefix { $0 != "\"" }))
    }

    /// A hidden input's value inside the form with `id`.
    static func field(_ name: String, in id: String, of html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\""),
              let input = html[start.upperBound...].range(of: "name=\"\(name)\" value=\"")
        else { return nil }
        return unescape(String(html[input.upperBound...].prefix { $0 != "\"" }))
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&#x27;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func options(of id: String, in html: String) throws -> [String: Any] {
        let text = try #require(attribute("data-options", of: id, in: html), "\(id) carries its options")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func theScriptIsOneStaticFileAllowedByTheCSP() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            var browser = Browser()
            let script = try await browser.get(client, "/static/webauthn.js")
            #expect(script.status == .ok && script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.html.contains("navigator.credentials.create") && script.html.contains("conditional"))
            let login = try await browser.get(client, "/login")
            #expect(login.html.contains("<script src=\"/static/webauthn.js\" defer></script>"))
            #expect(login.html.contains("autocomplete=\"username webauthn\""))
            #expect(login.html.contains("data-conditional"))
            #expect(login.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let options = try Self.options(of: "passkey-login", in: login.html)
            #expect((options["allowCredentials"] as? [Any])?.isEmpty == true && options["rpId"] as? String == "localhost")
        }
    }

    @Test func registerOnTheAccountPageSignInWithThePasskeyAloneAndOpenTheAdminArea() async throws {
        let harness = try TestHarness()
        let admin = try await harness.service.createUser(username: "dana", password: "correct horse battery",
                                                         roles: ["admin", "customer"])
        try await harness.knowDevice(of: admin)
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            #expect(try await browser.signIn(client, "dana").headers[.location] == "/account")
            let account = try await browser.get(client, "/account")
            let csrf = try #require(Browser.csrf(in: account.html))
            let page = try await browser.post(client, "/account/passkeys/new", ["csrf": csrf])
            #expect(page.status == .ok, "\(page.html)")
            let creation = try Self.options(of: "passkey-register", in: page.html)
            var device = SoftwareAuthenticator.random()
            device.userHandle = Array(admin.id.utf8)
            let ceremony = try #require(Self.field("ceremony", in: "passkey-register", of: page.html))
            // Without the CSRF token nothing is registered.
            let credential = try Self.json(try device.registration(options: creation))
            let forged = try await browser.post(client, "/account/passkeys", ["ceremony": ceremony,
                                                                              "credential": credential])
            #expect(forged.status == .forbidden)
            let added = try await browser.post(client, "/account/passkeys", [
                "csrf": csrf, "ceremony": ceremony, "credential": credential, "name": "Work laptop"])
            #expect(added.headers[.location] == "/account?notice=passkey", "\(added.status) \(added.html)")
            let listed = try await browser.get(client, "/account")
            #expect(listed.html.contains("Work laptop") && listed.html.contains("bound to one device"))

            // Sign out, then sign in with the passkey alone.
            _ = try await browser.post(client, "/logout", ["csrf": Browser.csrf(in: listed.html) ?? ""])
            let login = try await browser.get(client, "/login")
            let request = try Self.options(of: "passkey-login", in: login.html)
            var stranger = browser
            let noToken = try await stranger.post(client, "/login/webauthn", [
                "ceremony": try #require(Self.field("ceremony", in: "passkey-login", of: login.html)),
                "credential": try Self.json(try device.assertion(options: request))])
            #expect(noToken.status == .forbidden && stranger.cookies[WebSupport.sessionCookie] == nil)
            let fresh = try await browser.get(client, "/login")
            let signIn = try await browser.post(client, "/login/webauthn", [
                "csrf": try #require(Browser.csrf(in: fresh.html)), "next": "/demo/admin",
                "ceremony": try #require(Self.field("ceremony", in: "passkey-login", of: fresh.html)),
                "credential": try Self.json(try device.assertion(options: Self.options(of: "passkey-login",
                                                                                       in: fresh.html)))])
            #expect(signIn.headers[.location] == "/demo/admin", "\(signIn.status) \(signIn.html)")
            let adminArea = try await browser.get(client, "/demo/admin")
            #expect(adminArea.status == .ok && adminArea.html.contains("Welcome, administrator"), "\(adminArea.html)")
            #expect(try await browser.get(client, "/account").html.contains("<strong id=\"level\">aal3</strong>"))
        }
    }

    @Test func aTransferIsApprovedWithAPasskeyOnTheStepUpPage() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (carol, device, _) = try await harness.userWithPasskey(client)
            var browser = harness.knownBrowser()
            #expect(try await browser.signIn(client, "carol").headers[.location] == "/account")
            let bank = try await browser.get(client, "/demo")
            let sent = try await browser.post(client, "/demo/transfer", [
                "csrf": try #require(Browser.csrf(in: bank.html)), "amount": "1500.00", "currency": "EUR",
                "payee": "ACME Ltd"])
            let location = try #require(sent.headers[.location], "\(sent.status) \(sent.html)")
            #expect(location.hasPrefix("/step-up/"))
            let prompt = try await browser.get(client, location)
            #expect(prompt.html.contains("ACME Ltd"))
            let request = try Self.options(of: "passkey-step-up", in: prompt.html)
            #expect((request["allowCredentials"] as? [[String: Any]])?.first?["id"] as? String
                        == Base64URL.encode(device.credentialId))
            let path = String(location.prefix { $0 != "?" })
            // A wrong origin is shown on the page, not as an error page.
            let wrong = try await browser.post(client, path, [
                "csrf": try #require(Browser.csrf(in: prompt.html)), "factor": "webauthn", "next": "/demo",
                "ceremony": try #require(Self.field("ceremony", in: "passkey-step-up", of: prompt.html)),
                "credential": try Self.json(try device.assertion(options: request, .init(origin: "https://evil.example")))])
            #expect(wrong.status == .unauthorized && wrong.html.contains("is not allowed"))
            let again = try await browser.get(client, location)
            let options = try Self.options(of: "passkey-step-up", in: again.html)
            let approved = try await browser.post(client, path, [
                "csrf": try #require(Browser.csrf(in: again.html)), "factor": "webauthn", "next": "/demo",
                "ceremony": try #require(Self.field("ceremony", in: "passkey-step-up", of: again.html)),
                "credential": try Self.json(try device.assertion(options: options))])
            let target = try #require(approved.headers[.location], "\(approved.status) \(approved.html)")
            #expect(target.hasPrefix("/demo?grant=chl_"))
            #expect(try await harness.auditTypes().contains {
                $0.event.type == "challenge.verified" && $0.event.userID == carol.id
                    && $0.event.details["webauthn_challenge"] == "bound"
            })
        }
    }

    @Test func aPasswordOnlyBrowserIsSentToStepUpBeforeRemovingAPasskey() async throws {
        let harness = try TestHarness()
        try await harness.application().test(.router) { client in
            let (carol, _, _) = try await harness.userWithPasskey(client)
            var browser = harness.knownBrowser()
            #expect(try await browser.signIn(client, "carol").headers[.location] == "/account")
            let account = try await browser.get(client, "/account")
            let id = try #require(try await harness.service.passkeys(of: carol.id).first?.id)
            #expect(account.html.contains("/account/passkeys/\(id)/remove"))
            let csrf = try #require(Browser.csrf(in: account.html))
            let removal = try await browser.post(client, "/account/passkeys/\(id)/remove", ["csrf": csrf])
            #expect(removal.headers[.location]?.hasPrefix("/step-up/") == true)
            let adding = try await browser.post(client, "/account/passkeys/new", ["csrf": csrf])
            #expect(adding.headers[.location]?.hasPrefix("/step-up/") == true)
            #expect(try await harness.service.passkeys(of: carol.id).count == 1)
            let renamed = try await browser.post(client, "/account/passkeys/\(id)/rename", ["csrf": csrf,
                                                                                           "name": "Old phone"])
            #expect(renamed.headers[.location] == "/account?notice=passkey-renamed")
            #expect(try await browser.get(client, "/account").html.contains("Old phone"))
        }
    }
}
