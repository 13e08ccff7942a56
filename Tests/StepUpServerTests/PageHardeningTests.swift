import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// "Pages are server-rendered (every value escaped) with no JavaScript; a strict Content-Security-Policy forbids
/// inline script and style and framing."
@Suite("Page hardening", .timeLimit(.minutes(5)))
struct PageHardeningTests {
    static let payloads = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "javascript:alert(document.cookie)",
        "' autofocus onfocus='alert(1)",
    ]

    /// The elements StepUp's templates use; anything else in a page was injected.
    static let templateTags: Set<String> = [
        "a", "body", "button", "code", "dd", "div", "dl", "dt", "form", "h1", "h2", "head", "header", "html",
        "input", "label", "li", "link", "main", "meta", "nav", "ol", "option", "p", "pre", "section", "select",
        "span", "strong", "title", "ul", "svg", "rect", "path",
    ]

    /// Markup a value could have injected: an element the templates do not use, an event-handler or `style`
    /// attribute outside a quoted value, or a `javascript:` URL in a link, source or form target.
    static func injectedMarkup(in html: String) -> [String] {
        // The one script element the templates use (the static WebAuthn file); any other was injected.
        let lower = html.lowercased().replacingOccurrences(of: "<script src=\"/static/webauthn.js\" defer></script>",
                                                           with: "")
        var found: [String] = []
        var tags = 0
        for match in lower.matches(of: /<([a-z][a-z0-9]*)([^>]*)>/) {
            tags += 1
            let name = String(match.output.1)
            let attributes = String(match.output.2)
            if !templateTags.contains(name) { found.append("element <\(name)>") }
            // Escaped values contain no '"', so removing quoted values leaves only the template's own attributes.
            let outside = attributes.replacing(/"[^"]*"/, with: "\"\"")
            if outside.firstMatch(of: /(^|\s)(on[a-z]+|style)\s*=/) != nil {
                found.append("attribute in <\(name)\(attributes)>")
            }
            for url in attributes.matches(of: /(href|src|action|formaction)\s*=\s*"([^"]*)"/)
            where String(url.output.2).trimmingCharacters(in: .whitespaces).hasPrefix("javascript:") {
                found.append("URL \(url.output.0)")
            }
        }
        if tags < 5 { found.append("not a page (\(tags) elements)") }
        return found
    }

    static func expectNoInjectedMarkup(_ html: String, _ label: String,
                                       sourceLocation: SourceLocation = #_sourceLocation) {
        let found = injectedMarkup(in: html)
        #expect(found.isEmpty, "\(label): \(found)", sourceLocation: sourceLocation)
    }

    @Test func theCheckerCatchesInjectedMarkup() {
        // The checker can fail: each raw payload, placed as a missing escape would place it, is caught.
        let head = "<html><head><title>t</title></head><body><main><p>x</p><form action=\"/a\">"
        let tail = "</form></main></body></html>"
        #expect(Self.injectedMarkup(in: head + "<input value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">"
            + "<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</p>" + tail).isEmpty)
        #expect(!Self.injectedMarkup(in: head + "<p>\(Self.payloads[0])</p>" + tail).isEmpty)
        #expect(!Self.injectedMarkup(in: head + "<input value=\"\(Self.payloads[1])\">" + tail).isEmpty)
        #expect(!Self.injectedMarkup(in: head + "<a href=\"\(Self.payloads[2])\">x</a>" + tail).isEmpty)
        #expect(!Self.injectedMarkup(in: head + "<input value='\(Self.payloads[3])'>" + tail).isEmpty)
        #expect(!Self.injectedMarkup(in: head + "<p style=\"color:red\">x</p>" + tail).isEmpty)
    }

    @Test func hostileDisplayNamesAreEscaped() async throws {
        let harness = try TestHarness()
        for (index, payload) in Self.payloads.enumerated() {
            let user = try await harness.service.createUser(username: "user\(index)", password: "a long password",
                                                            displayName: payload)
            try await harness.knowDevice(of: user)
        }
        try await harness.application().test(.router) { client in
            for (index, payload) in Self.payloads.enumerated() {
                var browser = harness.knownBrowser()
                let signedIn = try await browser.signIn(client, "user\(index)", "a long password")
                #expect(signedIn.headers[.location] == "/account", "\(signedIn.html)")
                let account = try await browser.get(client, "/account")
                #expect(account.status == .ok)
                #expect(account.html.contains("alert("), "the display name is on the page")
                Self.expectNoInjectedMarkup(account.html, "account page, display name \(payload)")
            }
        }
    }

    @Test func hostilePayeesAndTransactionMessagesAreEscaped() async throws {
        let harness = try TestHarness()
        let (_, secret) = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            for payload in Self.payloads {
                var browser = harness.knownBrowser()
                #expect(try await browser.signIn(client, "alice").headers[.location] == "/account")
                let bank = try await browser.get(client, "/demo")
                let transfer = try await browser.post(client, "/demo/transfer", [
                    "amount": "5000", "currency": "EUR", "payee": payload,
                    "csrf": try #require(Browser.csrf(in: bank.html)),
                ])
                let location = try #require(transfer.headers[.location], "\(transfer.status) \(transfer.html)")
                #expect(location.hasPrefix("/step-up/"))
                // The step-up page shows the bound payee and the policy's message built from it.
                let prompt = try await browser.get(client, location)
                #expect(prompt.html.contains("Approve transfer of 5000 EUR to"))
                #expect(prompt.html.contains("alert("))
                Self.expectNoInjectedMarkup(prompt.html, "step-up page, payee \(payload)")

                let next = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "next" }?.value)
                let verified = try await browser.post(client, String(location.prefix { $0 != "?" }), [
                    "factor": "totp", "code": harness.totp(secret), "next": next,
                    "csrf": try #require(Browser.csrf(in: prompt.html)),
                ])
                harness.clock.advance(30)
                let confirm = try await browser.get(client, try #require(verified.headers[.location]))
                #expect(confirm.html.contains("Send now"), "\(confirm.html)")
                Self.expectNoInjectedMarkup(confirm.html, "transfer confirmation, payee \(payload)")

                let grant = try #require(confirm.html.range(of: "name=\"grant\" value=\"").map {
                    String(confirm.html[$0.upperBound...].prefix { $0 != "\"" })
                })
                let sent = try await browser.post(client, "/demo/transfer", [
                    "amount": "5000", "currency": "EUR", "payee": payload, "grant": grant,
                    "csrf": try #require(Browser.csrf(in: confirm.html)),
                ])
                #expect(sent.html.contains("Sent 5000 EUR to"), "\(sent.html)")
                Self.expectNoInjectedMarkup(sent.html, "transfer sent, payee \(payload)")
            }
        }
    }

    @Test func theAuthenticatorFormDoesNotEchoHostileValues() async throws {
        let harness = try TestHarness()
        let user = try await harness.service.createUser(username: "carol", password: "carol's long password")
        try await harness.knowDevice(of: user)
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            _ = try await browser.signIn(client, "carol", "carol's long password")
            let account = try await browser.get(client, "/account")
            let started = try await browser.post(client, "/account/totp",
                                                 ["csrf": try #require(Browser.csrf(in: account.html))])
            #expect(started.status == .ok)
            Self.expectNoInjectedMarkup(started.html, "authenticator page")
            let factorID = try #require(started.html.range(of: "/account/totp/").map {
                String(started.html[$0.upperBound...].prefix { $0 != "/" })
            })
            let secret = try #require(started.html.range(of: "id=\"secret\">").map {
                String(started.html[$0.upperBound...].prefix { $0 != "<" })
            })
            for payload in Self.payloads {
                // A wrong code re-renders the form; what the post claims the secret and URI were must not be echoed
                // as markup or as a link.
                let wrong = try await browser.post(client, "/account/totp/\(factorID)/confirm", [
                    "code": "000000", "secret": payload, "uri": payload,
                    "csrf": try #require(Browser.csrf(in: started.html)),
                ])
                #expect(wrong.status == .unauthorized)
                Self.expectNoInjectedMarkup(wrong.html, "authenticator retry, \(payload)")
                #expect(wrong.html.contains("id=\"secret\">\(secret)<"), "the stored key is shown again")
                #expect(!wrong.html.contains("alert("), "nothing the post claimed is shown")
            }
        }
    }

    /// The CSP, directive by directive, on a page, an error page, a redirect and an API answer.
    @Test func everyAnswerForbidsFramingInlineCodeAndForeignTargets() async throws {
        let harness = try TestHarness()
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            var browser = harness.knownBrowser()
            let login = try await browser.get(client, "/login")
            let redirect = try await browser.signIn(client, "alice")
            let account = try await browser.get(client, "/account")
            let missing = try await browser.get(client, "/no/such/page")
            let api = try await client.json(.post, "/v1/sessions", body: ["username": "alice", "password": "nope"])
            let answers: [(String, HTTPFields)] = [("login", login.headers), ("redirect", redirect.headers),
                                                   ("account", account.headers), ("404 page", missing.headers),
                                                   ("API", api.headers)]
            let expected: [String: [String]] = [
                "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"],
                "frame-ancestors": ["'none'"], "form-action": ["'self'"], "base-uri": ["'none'"],
            ]
            for (label, headers) in answers {
                #expect(headers[values: HTTPField.Name("X-Frame-Options")!] == ["DENY"], "\(label)")
                let policies = headers[values: .contentSecurityPolicy]
                #expect(policies.count == 1, "\(label): one policy, \(policies)")
                let csp = try #require(policies.first, "\(label)")
                var directives: [String: [String]] = [:]
                for part in csp.split(separator: ";") {
                    let tokens = part.split(whereSeparator: \.isWhitespace).map(String.init)
                    guard let name = tokens.first else { continue }
                    #expect(directives[name] == nil, "\(label): \(name) twice")
                    directives[name] = Array(tokens.dropFirst())
                }
                for (name, values) in expected {
                    #expect(directives[name] == values, "\(label): \(name) is \(directives[name] ?? [])")
                }
                #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval") && !csp.contains("*"),
                        "\(label): \(csp)")
            }
            // What the policy forbids, the pages do not need: no inline script or style anywhere. The one script is
            // the static WebAuthn file, on the pages that run ceremonies.
            let external = "<script src=\"/static/webauthn.js\" defer></script>"
            for html in [login.html, account.html, missing.html] {
                let lower = html.lowercased().replacingOccurrences(of: external, with: "")
                #expect(!lower.contains("<script") && !lower.contains("<style") && !lower.contains(" style="))
            }
            #expect(login.html.contains(external) && !account.html.contains("<script"))
        }
    }
}
