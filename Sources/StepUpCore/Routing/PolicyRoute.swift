import Foundation

/// One entry of a policy's `routes:`: which HTTP requests — host, method, path — are which action.
///
/// ```yaml
/// routes:
///   - {host: app.example.com, method: POST, path: "/accounts/{id}/transfers", action: bank.transfer,
///      query: [amount]}
/// ```
/// The path's `{name}` segments become resource attributes (`resource.id`), the listed query parameters become
/// context attributes (so rules and `bind` read them). The first route that matches wins; a request no route
/// matches is the action ``PolicyRoute/unroutedAction`` with its method and path, which rules can still match.
public struct PolicyRoute: Sendable, Hashable {
    /// `nil`: any host.
    public var host: HostPattern?
    /// Upper-cased; empty: any method.
    public var methods: Set<String>
    var path: PathPattern
    public var action: String
    /// Query parameters copied into the request's context attributes.
    public var query: [String]
    /// Where the route is written (for messages).
    public var line: Int
    public var column: Int

    /// The action of a request no route names.
    public static let unroutedAction = "http.request"

    public var pathPattern: String { path.text }

    init(host: HostPattern?, methods: Set<String>, path: PathPattern, action: String, query: [String], line: Int,
         column: Int) {
        self.host = host
        self.methods = methods
        self.path = path
        self.action = action
        self.query = query
        self.line = line
        self.column = column
    }

    /// Whether this route applies to a request for `path` (no query) with `method` on `host`.
    func matches(method: String, host: String?, path: String) -> Bool {
        if !methods.isEmpty, !methods.contains(method) { return false }
        if let pattern = self.host {
            guard let host, pattern.matches(host) else { return false }
        }
        return self.path.matches(path)
    }

    /// A readable summary: `POST app.example.com/accounts/{id}/transfers`.
    public var summary: String {
        let method = methods.isEmpty ? "any method" : methods.sorted().joined(separator: "|")
        return "\(method) \(host.map(\.description) ?? "")\(path.text)"
    }
}

extension Policy {
    /// The action request for an HTTP request, through the first matching route (see ``PolicyRoute``).
    ///
    /// - Parameters:
    ///   - method: the original request's method.
    ///   - host: its host (`Host`/`X-Forwarded-Host`), with or without a port; `nil` when unknown.
    ///   - target: its path and query as sent (`/accounts/12/transfers?amount=1500`), percent-encoded.
    public func route(method: String, host: String?, target: String) -> (request: ActionRequest, route: PolicyRoute?) {
        let method = method.uppercased()
        let (path, query) = Self.split(target)
        guard let route = routes.first(where: { $0.matches(method: method, host: host, path: path) }) else {
            return (ActionRequest(action: PolicyRoute.unroutedAction, method: method, path: path), nil)
        }
        var resource: Attributes = [:]
        for name in route.path.parameterNames {
            if let value = route.path.parameter(name, in: path) {
                resource[name] = .string(value.removingPercentEncoding ?? value)
            }
        }
        var context = RequestContext()
        for name in route.query {
            if let value = query.first(where: { $0.name == name })?.value { context.attributes[name] = .string(value) }
        }
        return (ActionRequest(action: route.action, resource: resource, context: context, method: method, path: path),
                route)
    }

    /// The path (percent-decoding left to the caller) and decoded query items of a request target.
    public static func split(_ target: String) -> (path: String, query: [(name: String, value: String)]) {
        var rest = Substring(target)
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        guard let mark = rest.firstIndex(of: "?") else { return (String(rest), []) }
        let items = rest[rest.index(after: mark)...].split(separator: "&").prefix(100).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { return nil }
            return (name: name, value: value)
        } as [(name: String, value: String)]
        return (String(rest[..<mark]), items)
    }
}
