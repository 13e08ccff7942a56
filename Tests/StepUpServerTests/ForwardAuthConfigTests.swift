import Testing
@testable import StepUpServer

/// `sessions.cookie_domain` and `forward_auth`: bad values stop startup with their position.
@Suite("Forward auth configuration")
struct ForwardAuthConfigTests {
    @Test func goodValuesAreRead() throws {
        let config = try ConfigFile.parse("""
            server: {public_url: "https://auth.example.com"}
            sessions: {cookie_domain: Example.COM}
            forward_auth:
              hosts: [app.example.com, "*.example.com"]
              headers: {user: X-User, auth_time: X-Auth-Time}
            """, file: "s.yaml")
        #expect(config.sessions.cookieDomain == "example.com")
        #expect(config.forwardAuth.hosts == ["app.example.com", "*.example.com"])
        #expect(config.forwardAuth.userHeader == "X-User")
        #expect(config.forwardAuth.authTimeHeader == "X-Auth-Time")
        #expect(config.forwardAuth.groupsHeader == "Remote-Groups")
    }

    @Test(arguments: [
        ("sessions: {cookie_domain: localhost}", "s.yaml:2:27: error: sessions.cookie_domain must be a domain name"),
        ("sessions: {cookie_domain: 10.0.0.1}", "s.yaml:2:27: error: sessions.cookie_domain must be a domain name"),
        ("sessions: {cookie_domain: '*.example.com'}", "s.yaml:2:27: error: sessions.cookie_domain must be a domain name"),
        ("sessions: {cookie_domain: other.org}", "s.yaml:2:27: error: sessions.cookie_domain 'other.org' must be server.public_url's host"),
        ("sessions: {cookie_domain: app.example.com}", "s.yaml:2:27: error: sessions.cookie_domain 'app.example.com' must be"),
        ("forward_auth: {hosts: [app.example.com, 'bad host']}", "s.yaml:2:41: error: 'bad host' is not a host name"),
        ("forward_auth: {headers: {user: 'bad header'}}", "s.yaml:2:32: error: 'bad header' is not a valid header name"),
        ("forward_auth: {headers: {colour: X-Colour}}", "s.yaml:2:26: error: unknown key 'colour' in forward_auth.headers"),
        ("forward_auth: {hostz: []}", "s.yaml:2:16: error: unknown key 'hostz' in forward_auth"),
    ])
    func badValuesStopStartupWithTheirPosition(line: String, expected: String) {
        do {
            _ = try ConfigFile.parse("server: {public_url: \"https://auth.example.com\"}\n" + line, file: "s.yaml")
            Issue.record("accepted: \(line)")
        } catch {
            #expect("\(error)".hasPrefix(expected), "\(error)")
        }
    }
}
