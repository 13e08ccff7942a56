import StepUpCore

/// Where a gateway route sends its requests: `http(s)://host[:port][/prefix]`, the request's path appended to the
/// prefix (`http://127.0.0.1:3000/app` + `/reports?x=1` → `http://127.0.0.1:3000/app/reports?x=1`).
struct GatewayUpstream: Sendable, Equatable {
    let scheme: String
    /// `host[:port]`.
    let authority: String
    /// Without a trailing `/`; empty for none.
    let prefix: String

    init?(_ text: String) {
        let scheme: String
        if text.hasPrefix("https://") { scheme = "https" } else if text.hasPrefix("http://") { scheme = "http" } else {
            return nil
        }
        let rest = text.dropFirst(scheme.count + 3)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let prefix = String(rest[slash...])
        guard !authority.isEmpty, HostPattern(String(HostPattern.stripPort(authority))) != nil,
              !authority.contains("@"), !prefix.contains("?"), !prefix.contains("#")
        else { return nil }
        self.scheme = scheme
        self.authority = authority
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
    }

    /// The upstream URL for a request target (path and query, starting with `/`).
    func url(for target: String) -> String { "\(scheme)://\(authority)\(prefix)\(target)" }

    /// `scheme://host[:port]`: the audience of the gateway's assertions for this upstream.
    var origin: String { "\(scheme)://\(authority)" }
}

/// A compiled `gateway.routes` entry.
struct GatewayRoute: Sendable {
    let host: HostPattern
    let path: PathPattern
    let upstream: GatewayUpstream
    let bindBody: Bool

    init?(_ route: ServerConfiguration.Gateway.Route) {
        guard let host = HostPattern(route.host), let path = PathPattern(route.path),
              let upstream = GatewayUpstream(route.upstream) else { return nil }
        self.host = host
        self.path = path
        self.upstream = upstream
        self.bindBody = route.bindBody
    }
}
