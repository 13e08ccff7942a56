import Foundation
import StepUpTestSupport
import Testing

/// StepUp as an OpenID Provider against an independent relying party: Authlib's OAuth 2.0 client runs code + PKCE
/// through the real `stepup serve` (sign-in and step-up pages filled like a person would), and PyJWT checks every
/// token against the published JWKS. Then `stepup keys rotate` and the same client checks the rotation.
@Suite("OpenID Provider", .serialized, .timeLimit(.minutes(6)))
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
        } catch {
            Issue.record("\(error)\nserver:\n\(server.output)")
        }
        #expect(await server.stop() == 0)
    }
}
