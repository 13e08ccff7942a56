import Foundation
import StepUpTestSupport
import Testing

/// StepUp as an OpenID Provider against an independent relying party: Authlib's OAuth 2.0 client runs code + PKCE
/// through the real `stepup serve` (sign-in and step-up pages filled like a person would), and PyJWT checks every
/// token against the published JWKS. Then `stepup keys rotate` and the same client checks the rotation; then RFC 9396
/// `authorization_details` (phase 3), and the browser step-up in headless Chromium.
@Suite("OpenID Provider", .heavy, .serialized, .timeLimit(.minutes(10)))
struct OIDCProviderEndToEndTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Browser/oidc_rp.py").path
    static let redirect = "http://127.0.0.1:9/callback"

    @Test func authlibRelyingPartyAgainstTheRealServer() async throws {
        guard let python = ExternalTool.require("python3", package: "python3") else { return }
        let probe = try await ExternalTool.run(python, ["-c", "import authlib, jwt, pyotp, requests, cryptography"])
        guard probe.status == 0 else {
            ExternalTool.missing("python authlib/pyjwt/pyotp/requests (pip install authlib pyjwt pyotp requests cryptography)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-oidc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml").path
        let port = LoopbackPort.free()
        // The issuer is server.public_url; plain-http cookies for the Python user agent.
        var text = try String(contentsOfFile: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "public_url: http://localhost:8080", with: "public_url: http://127.0.0.1:\(port)")
            .replacingOccurrences(of: "secure_cookies: true", with: "secure_cookies: false")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        // Each flow's pages must be predictable: no risk rule (a new device would otherwise ask for aal2 at once),
        // and the policy's word on `oidc.authorize` for one client (`web` needs aal2).
        let policyFile = directory.appendingPathComponent("policy.yaml").path
        var policy = try String(contentsOfFile: policyFile, encoding: .utf8)
        let risky = "  - id: risky-needs-aal2\n    match: {risk: medium}\n    require: aal2\n"
        #expect(policy.contains(risky))
        policy = policy.replacingOccurrences(of: risky, with: """
              - id: web-client-needs-aal2
                match: {action: oidc.authorize, resource: {client_id: web}}
                require: aal2
              - id: shop-reads-no-accounts
                match: {action: oidc.authorize, resource: {client_id: shop, authorization_details_types: account_information}}
                deny: The shop may not read accounts.

            """)
        try policy.write(toFile: policyFile, atomically: true, encoding: .utf8)
        let user = try await ExternalTool.run(stepup, ["user", "add", "alice", "--config", config],
                                              input: "correct horse battery staple\n")
        #expect(user.status == 0, "\(user.stderr)")
        let spa = try await ExternalTool.run(stepup, ["client", "add", "spa", "--auth", "none", "--redirect-uri",
                                                      Self.redirect, "--config", config])
        #expect(spa.status == 0 && !spa.stdout.contains("client_secret"), "\(spa.stdout)\(spa.stderr)")
        let web = try await ExternalTool.run(stepup, ["client", "add", "web", "--auth", "client_secret_basic",
                                                      "--redirect-uri", Self.redirect, "--post-logout-redirect-uri",
                                                      Self.redirect + "/signed-out", "--config", config])
        #expect(web.status == 0, "\(web.stderr)")
        let secret = try #require(web.stdout.split(separator: "\n").first { $0.hasPrefix("client_secret=") }?
            .dropFirst("client_secret=".count))
        // The secret is stored hashed: `show` never prints it, and the database does not hold it.
        let shown = try await ExternalTool.run(stepup, ["client", "show", "web", "--config", config])
        #expect(shown.status == 0 && !shown.stdout.contains(secret) && shown.stdout.contains("client_secret_basic"))
        let database = try Data(contentsOf: directory.appendingPathComponent("stepup.sqlite"))
        #expect(database.range(of: Data(secret.utf8)) == nil)
        // private_key_jwt: the key pair is made by the relying party; StepUp gets only the public JWKS.
        let state = directory.appendingPathComponent("rp-state.json").path
        let keygen = try await ExternalTool.run(python, [Self.script, "-", "keygen", state, "-"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let svc = try await ExternalTool.run(stepup, ["client", "add", "svc", "--auth", "private_key_jwt", "--jwks-file",
                                                      state + ".jwks.json", "--redirect-uri", Self.redirect,
                                                      "--config", config])
        #expect(svc.status == 0 && !svc.stdout.contains("client_secret"), "\(svc.stdout)\(svc.stderr)")
        let post = try await ExternalTool.run(stepup, ["client", "add", "post", "--auth", "client_secret_post",
                                                       "--scopes", "openid", "--redirect-uri", Self.redirect,
                                                       "--config", config])
        let postSecret = try #require(post.stdout.split(separator: "\n").first { $0.hasPrefix("client_secret=") }?
            .dropFirst("client_secret=".count))
        let native = try await ExternalTool.run(stepup, ["client", "add", "native", "--auth", "none", "--first-party",
                                                         "--redirect-uri", Self.redirect, "--config", config])
        #expect(native.status == 0, "\(native.stderr)")
        let app = try await ExternalTool.run(stepup, ["client", "add", "app", "--auth", "none", "--redirect-uri",
                                                      Self.redirect, "--audience", "https://api.example", "--config", config])
        #expect(app.status == 0, "\(app.stderr)")
        // RFC 9396: a client that may ask for payments, with single-use details at introspection.
        let shop = try await ExternalTool.run(stepup, ["client", "add", "shop", "--auth", "none", "--redirect-uri",
                                                       Self.redirect, "--authorization-details-type", "payment_initiation",
                                                       "--authorization-details-type", "account_information",
                                                       "--single-use-authorization-details", "--config", config])
        #expect(shop.status == 0, "\(shop.stderr)")
        let shopShown = try await ExternalTool.run(stepup, ["client", "show", "shop", "--config", config])
        #expect(shopShown.stdout.contains("authorization_details_types=payment_initiation account_information\n")
            && shopShown.stdout.contains("single_use_authorization_details=true\n"), "\(shopShown.stdout)")
        let nativePay = try await ExternalTool.run(stepup, ["client", "add", "native-pay", "--auth", "none", "--first-party",
                                                            "--redirect-uri", Self.redirect, "--authorization-details-type",
                                                            "payment_initiation", "--config", config])
        #expect(nativePay.status == 0, "\(nativePay.stderr)")
        let lonelyFlag = try await ExternalTool.run(stepup, ["client", "add", "y", "--redirect-uri", Self.redirect,
                                                             "--single-use-authorization-details", "--config", config])
        #expect(lonelyFlag.status != 0 && lonelyFlag.stderr.contains("--authorization-details-type"))
        // The Chromium walk's relying party: its own callback server on a free loopback port.
        let callbackPort = LoopbackPort.free()
        let browserRP = try await ExternalTool.run(stepup, [
            "client", "add", "browser-rp", "--auth", "none", "--redirect-uri", "http://127.0.0.1:\(callbackPort)/callback",
            "--audience", "https://api.example", "--authorization-details-type", "payment_initiation", "--config", config])
        #expect(browserRP.status == 0, "\(browserRP.stderr)")
        let carol = try await ExternalTool.run(stepup, ["user", "add", "carol", "--config", config],
                                               input: "carol's long browser passphrase\n")
        #expect(carol.status == 0, "\(carol.stderr)")
        let duplicate = try await ExternalTool.run(stepup, ["client", "add", "web", "--redirect-uri", Self.redirect,
                                                            "--config", config])
        #expect(duplicate.status != 0)
        let badURI = try await ExternalTool.run(stepup, ["client", "add", "x", "--redirect-uri", "http://evil.example/cb",
                                                         "--config", config])
        #expect(badURI.status != 0 && badURI.stderr.contains("https"), "\(badURI.stderr)")

        let server = try await RunningServer.start(arguments: ["--config", config], port: port)
        // The example resource server, protected by StepUpGuard, trusting this StepUp.
        let examplePort = LoopbackPort.free()
        let exampleBinary = URL(fileURLWithPath: stepup).deletingLastPathComponent()
            .appendingPathComponent("stepup-example-resource").path
        let example = try BackgroundProcess(exampleBinary, [server.baseURL, "https://api.example", "\(examplePort)"])
        defer { example.stop() }
        #expect(await example.waitForPort(examplePort), "the example resource server did not start")
        let exampleURL = "http://127.0.0.1:\(examplePort)"
        do {
            let first = try await ExternalTool.run(python, [Self.script, server.baseURL, "1", state, exampleURL], input: secret + "\n" + postSecret + "\n",
                                                   timeout: .seconds(240))
            #expect(first.status == 0 && first.stdout.contains("DONE"),
                    "relying party:\n\(first.stdout)\n\(first.stderr)\nserver:\n\(server.output)")
            #expect(first.stdout.components(separatedBy: "\nOK ").count > 40, "\(first.stdout)")
            for milestone in ["step-up to aal2: back at the client", "example: the stepped-up token passes",
                              "private_key_jwt: a replayed jti is refused", "racing redemptions of one code: one winner",
                              "reuse revoked the family", "challenge endpoint: the new token is aal2",
                              "login_hint pre-fills the username, escaped"] {
                #expect(first.stdout.contains("OK \(milestone)\n"), "missing: \(milestone)")
            }

            let keysBefore = try await ExternalTool.run(stepup, ["keys", "list", "--config", config])
            #expect(keysBefore.stdout.split(separator: "\n").count == 1 && keysBefore.stdout.contains("active"))
            let rotated = try await ExternalTool.run(stepup, ["keys", "rotate", "--config", config])
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let keysAfter = try await ExternalTool.run(stepup, ["keys", "list", "--config", config])
            #expect(keysAfter.stdout.contains("published until") && keysAfter.stdout.split(separator: "\n").count == 2,
                    "\(keysAfter.stdout)")
            // The server re-reads its keys every few seconds.
            try await Task.sleep(for: .seconds(6))
            let second = try await ExternalTool.run(python, [Self.script, server.baseURL, "2", state, exampleURL],
                                                    input: secret + "\n" + postSecret + "\n")
            #expect(second.status == 0 && second.stdout.contains("DONE"), "\(second.stdout)\n\(second.stderr)")
            let third = try await ExternalTool.run(python, [Self.script, server.baseURL, "3", state, exampleURL],
                                                   input: secret + "\n" + postSecret + "\n", timeout: .seconds(180))
            #expect(third.status == 0 && third.stdout.contains("DONE"), "\(third.stdout)\n\(third.stderr)")
            for milestone in ["details: shown escaped, never as HTML",
                              "details: a grant for one payment never issues a code for another",
                              "details: tampered token request refused", "details: the JWT access token carries them at aal2",
                              "details: of 20 racing introspections exactly one is active",
                              "first-party details: the tokens carry the payment",
                              "details: a single-use client's refresh mints no transaction again",
                              "details: the policy sees the types: access_denied: error=access_denied"] {
                #expect(third.stdout.contains("OK \(milestone)\n"), "missing: \(milestone)")
            }
            try await Self.chromiumWalk(server: server, exampleURL: exampleURL, callbackPort: callbackPort)
        } catch {
            Issue.record("\(error)\nserver:\n\(server.output)")
        }
        #expect(await server.stop() == 0)
    }

    /// Issue #12's browser path: headless Chromium signs in at aal1 for a relying party, StepUpGuard refuses that
    /// token with an RFC 9470 challenge, and Chromium does only the second factor (a code from `oathtool`) on a
    /// step-up page that shows the payment in `authorization_details`; the new token passes.
    static func chromiumWalk(server: RunningServer, exampleURL: String, callbackPort: Int) async throws {
        guard ExternalTool.require("oathtool", package: "oathtool") != nil,
              let python = try await BrowserFlowTests.seleniumPython()
        else { return }
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-oidc-screens-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Browser/oidc_browser.py").path
        let run = try await ExternalTool.run(python, [script, server.baseURL, exampleURL, "\(callbackPort)", "carol",
                                                      "carol's long browser passphrase", shots.path],
                                             timeout: .seconds(180))
        #expect(run.status == 0 && run.stdout.contains("oidc browser flow passed"),
                "Chromium walk failed (screenshots in \(shots.path)):\n\(run.stdout)\n\(run.stderr)")
        for step in ["signed in at aal1: only the step-up page, no new sign-in",
                     "the step-up page shows the payment (amount, creditor, account) as text",
                     "StepUpGuard accepts the stepped-up token"] {
            #expect(run.stdout.contains("ok (oidc): \(step)\n"), "missing: \(step)")
        }
        if run.status == 0 { try? FileManager.default.removeItem(at: shots) }
    }
}
