import Testing
@testable import StepUpServer

/// `sessions.cookie_domain` and `forward_auth`: bad values stop startup with their position.
@Suite("Forward auth configuration")
struct ForwardAuthConfigTests {
    @Test func gatewayRoutesAreRead() throws {
        let config = try ConfigFile.parse("""
            gateway:
              routes:
                - {host: app.example.com, path: /api/**, upstream: "http://127.0.0.1:3000/v2/", bind_body: true}
                - {host: "*.example.com", upstream: "https://backend.internal:8443"}
              timeout_seconds: 5
              max_bind_body_bytes: 4096
              upstream_connections: 16
            """, file: "s.yaml")
        #expect(config.gateway.routes == [
            .init(host: "app.example.com", path: "/api/**", upstream: "http://127.0.0.1:3000/v2/", bindBody: true),
            .init(host: "*.example.com", upstream: "https://backend.internal:8443"),
        ])
        #expect(config.gateway.timeout == 5)
        #expect(config.gateway.maxBindBodyBytes == 4096)
        #expect(config.gateway.upstreamConnections == 16)
        #expect(try ConfigFile.parse("gateway: {}", file: "s.yaml").gateway.upstreamConnections == 256)
        #expect(GatewayUpstream("http://127.0.0.1:3000/v2/")?.url(for: "/a?b=1") == "http://127.0.0.1:3000/v2/a?b=1")
    }

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
        ("gateway: {routes: [{host: app.example.com}]}", "s.yaml:2:20: error: a gateway route needs a 'host' and an 'upstream'"),
        ("gateway: {routes: [{host: app.example.com, upstream: 'ftp://x'}]}", "s.yaml:2:54: error: 'ftp://x' is not an upstream URL"),
        ("gateway: {routes: [{host: app.example.com, upstream: 'http://u@x/'}]}", "s.yaml:2:54: error: 'http://u@x/' is not an upstream URL"),
        ("gateway: {routes: [{host: 'a b', upstream: 'http://x'}]}", "s.yaml:2:27: error: 'a b' is not a host name"),
        ("gateway: {routes: [{host: a.com, path: 'x/**', upstream: 'http://x'}]}", "s.yaml:2:40: error: 'x/**' is not a path pattern"),
        ("gateway: {routes: [{host: a.com, upstream: 'http://x', bind: true}]}", "s.yaml:2:56: error: unknown key 'bind' in a gateway route"),
        ("gateway: {timeout_seconds: 0}", "s.yaml:2:28: error: 'timeout_seconds' must be between 1 and 3600"),
        ("gateway: {upstream_connections: 0}", "s.yaml:2:33: error: 'upstream_connections' must be between 1 and 10000"),
        ("gateway: {routes: {host: a.com}}", "s.yaml:2:19: error: gateway.routes must be a list"),
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
