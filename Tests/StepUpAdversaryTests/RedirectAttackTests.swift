import Foundation
import HTTPTypes
import StepUpCore
import StepUpStore
import Testing
@testable import StepUpServer

/// Item 9 of issue #8: no open redirect, after sign-in or after a step-up.
@Suite("Open redirects", .timeLimit(.minutes(5)))
struct RedirectAttackTests {
    static let payloads = [
        "/%09/evil.example/phish", "//evil.example", "/\\evil.example", "///evil.example", "/%2F%2Fevil.example",
        "/%5Cevil.example", "https://evil.example", "http:evil.example", "javascript:alert(1)", "/%0d%0a/evil.example",
        "\t//evil.example", "/\t/evil.example", "%2F%2Fevil.example", "/%252F%252Fevil.example", "\\\\evil.example",
        "/.%2F%2Fevil.example", "//evil.example@stepup", "/%E2%81%84%E2%81%84evil.example", "//%09evil.example",
        " //evil.example",
    ]

    /// Where a browser ends up after `Location: value` from https://stepup.example.
    static func landsOnSameHost(_ location: String?) -> Bool {
        guard let location else { return true }
        let cleaned = location.filter { !"\t\r\n".contains($0) }
        guard let url = URL(string: cleaned, relativeTo: URL(string: "https://stepup.example/login")) else {
            return false
        }
        return url.absoluteURL.host == "stepup.example" && !cleaned.hasPrefix("//") && !cleaned.contains("\\")
    }

    @Test func signInNeverRedirectsAway() async throws {
        try await AdversaryServer.with(policyYAML: Policy.defaultYAML) { server, client in
            try await server.user(totp: false)
            for payload in Self.payloads {
                let page = try await client.send(.get, "/login")
                let presession = try #require(page.headers[values: .setCookie]
                    .first { $0.hasPrefix("stepup_presession=") }?.split(separator: ";").first?
                    .split(separator: "=", maxSplits: 1).last.map(String.init))
                let device = page.headers[values: .setCookie].first { $0.hasPrefix("stepup_device=") }?
                    .split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init) ?? ""
                let csrf = try #require(page.text.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression)
                    .map { String(page.text[$0]).components(separatedBy: "value=\"").last?.dropLast() }.map { String($0 ?? "") })
                let reply = try await client.send(.post, "/login",
                                                  form: ["username": "alice", "password": "correct horse battery",
                                                         "csrf": csrf, "next": payload],
                                                  cookies: ["stepup_presession": presession, "stepup_device": device])
                #expect(reply.status == .seeOther, "\(payload): \(reply.status)")
                let location = reply.headers[.location]
                #expect(Self.landsOnSameHost(location), "\(payload) → \(location ?? "-")")
                #expect(location == "/account", "\(payload) → \(location ?? "-")")
            }
        }
    }

    @Test func theLoginPageNeverCarriesAHostileNext() async throws {
        try await AdversaryServer.with { _, client in
            for payload in Self.payloads {
                let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let page = try await client.send(.get, "/login?next=\(encoded)")
                #expect(page.text.contains(#"name="next" value="/account""#), "\(payload)")
            }
        }
    }
}
