import Foundation
import StepUpWebAuthn
import Testing
@testable import StepUpServer

/// The `webauthn:` section: defaults from `server.public_url`, what `stepup init` writes, and `file:line:col` for
/// every value that cannot work.
@Suite("WebAuthn configuration", .timeLimit(.minutes(5)))
struct WebAuthnConfigTests {
    @Test func defaultsFollowThePublicURL() throws {
        let config = try ConfigFile.parse("server:\n  public_url: https://login.example.com:8443/\n", file: "s.yaml")
        let party = config.relyingParty
        #expect(party.id == "login.example.com" && party.allowedOrigins == ["https://login.example.com:8443"])
        #expect(party.name == "StepUp" && party.userVerification == .preferred && party.timeoutMilliseconds == 300_000)
        #expect(party.attestation.requirement == .none)
        let standard = try ConfigFile.parse("server:\n  public_url: https://example.com:443\n", file: "s.yaml")
        #expect(standard.relyingParty.allowedOrigins == ["https://example.com"], "the default port is left out")
    }

    @Test func theTemplateWritesTheSectionWithItsDefaults() throws {
        let text = ConfigTemplate.render(sealingKeys: "k1:AAAA", cookieKey: "AAAA", metricsToken: "0123456789abcdef")
        #expect(text.contains("webauthn:") && text.contains("user_verification: preferred"))
        let party = try ConfigFile.parse(text, file: "stepup.yaml").relyingParty
        #expect(party.id == "localhost" && party.allowedOrigins == ["http://localhost:8080"])
        // Changing public_url alone moves the relying party with it.
        let moved = try ConfigFile.parse(text.replacingOccurrences(of: "public_url: http://localhost:8080",
                                                                    with: "public_url: https://auth.example.org"),
                                         file: "stepup.yaml").relyingParty
        #expect(moved.id == "auth.example.org" && moved.allowedOrigins == ["https://auth.example.org"])
    }

    @Test func explicitSettingsAreRead() throws {
        let config = try ConfigFile.parse("""
            server:
              public_url: https://login.example.com
            webauthn:
              rp_id: example.com
              rp_name: Example Bank
              origins: [https://login.example.com, https://www.example.com]
              user_verification: required
              timeout_seconds: 120
              aaguids: [ee882879-721c-4913-9775-3dfcce97072a]
            """, file: "s.yaml")
        let party = config.relyingParty
        #expect(party.id == "example.com" && party.name == "Example Bank" && party.userVerification == .required)
        #expect(party.allowedOrigins == ["https://login.example.com", "https://www.example.com"])
        #expect(party.timeoutMilliseconds == 120_000)
        #expect(party.attestation.allowedAAGUIDs == [AAGUID("ee882879-721c-4913-9775-3dfcce97072a")!])
    }

    @Test(arguments: [
        ("server:\n  public_url: https://login.example.com\nwebauthn:\n  rp_id: evil.com\n",
         "s.yaml:4:10: error: webauthn.rp_id 'evil.com' does not match server.public_url"),
        ("webauthn:\n  rp_id: com\nserver:\n  public_url: https://example.com\n",
         "s.yaml:2:10: error: webauthn.rp_id 'com' does not match"),
        ("webauthn:\n  rp_id: ample.com\nserver:\n  public_url: https://example.com\n",
         "s.yaml:2:10: error: webauthn.rp_id 'ample.com' does not match"),
        ("webauthn:\n  origins: [https://localhost:8080/login]\n",
         "s.yaml:2:13: error: webauthn.origins: 'https://localhost:8080/login' is not an origin"),
        ("webauthn:\n  origins: [https://elsewhere.example]\n",
         "s.yaml:2:13: error: webauthn.origins: 'https://elsewhere.example' is not on the relying party 'localhost'"),
        ("webauthn:\n  attestation: trusted\n",
         "s.yaml:2:16: error: webauthn.attestation: trusted needs attestation_roots"),
        ("webauthn:\n  attestation: sometimes\n", "s.yaml:2:16: error: webauthn.attestation must be none or trusted"),
        ("webauthn:\n  user_verification: always\n", "s.yaml:2:22: error: webauthn.user_verification must be"),
        ("webauthn:\n  aaguids: [not-an-aaguid]\n", "s.yaml:2:13: error: webauthn.aaguids: 'not-an-aaguid'"),
        ("webauthn:\n  timeout_seconds: 5\n", "s.yaml:2:20: error: 'timeout_seconds' must be between 30 and 3600"),
        ("webauthn:\n  attestation_roots: /nonexistent/roots.pem\n",
         "s.yaml:2:22: error: webauthn.attestation_roots: cannot read /nonexistent/roots.pem"),
        ("webauthn:\n  rp_idd: localhost\n", "s.yaml:2:3: error: unknown key 'rp_idd' in webauthn"),
    ])
    func badValuesAreReportedWithTheirPosition(_ text: String, _ expected: String) {
        do {
            _ = try ConfigFile.parse(text, file: "s.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".hasPrefix(expected), "\(error)")
        }
    }

    @Test func aPEMWithoutCertificatesIsRefusedAndRootsAreRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-roots-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "not a certificate".write(to: directory.appendingPathComponent("roots.pem"), atomically: true,
                                      encoding: .utf8)
        let file = directory.appendingPathComponent("stepup.yaml").path
        #expect(throws: ConfigError.self) {
            try ConfigFile.parse("webauthn:\n  attestation: trusted\n  attestation_roots: roots.pem\n", file: file)
        }
    }
}
