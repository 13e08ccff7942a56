import Yams

/// `routes:` — HTTP requests (host, method, path) to actions, for forward auth and the gateway.
extension PolicyParser {
    static let routeKeys: Set<String> = ["host", "method", "path", "action", "query"]
    /// A policy's routes are hand-written; this bounds the pairwise overlap check.
    static let maxRoutes = 2_000

    mutating func parseRoutes(_ node: Node) -> [PolicyRoute] {
        guard let items = reader.list(node, "routes") else { return [] }
        if items.count > Self.maxRoutes {
            reader.error(node, "at most \(Self.maxRoutes) routes; \(items.count) are given")
            return []
        }
        let routes = items.compactMap { parseRoute($0) }
        lintRoutes(routes)
        return routes
    }

    private mutating func parseRoute(_ node: Node) -> PolicyRoute? {
        guard let entries = reader.mapping(node, "a route", allowed: Self.routeKeys) else { return nil }
        let find = { (key: String) in entries.first { $0.key == key }?.value }
        guard let pathNode = find("path"), let actionNode = find("action") else {
            reader.error(node, "a route needs a 'path' and an 'action' (e.g. {path: /admin/**, action: admin.console})")
            return nil
        }
        var valid = true
        var host: HostPattern?
        if let hostNode = find("host"), let text = reader.string(hostNode, "host") {
            host = HostPattern(text)
            if host == nil {
                reader.error(hostNode, "'\(text.prefix(80))' is not a host name or *.domain (e.g. app.example.com)")
                valid = false
            }
        }
        var methods: Set<String> = []
        if let methodNode = find("method"), let items = reader.strings(methodNode, "method") {
            for (text, itemNode) in items {
                let method = text.uppercased()
                guard !method.isEmpty, method.utf8.count <= 20, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A })
                else {
                    reader.error(itemNode, "'\(text.prefix(40))' is not an HTTP method (GET, POST, …)")
                    valid = false
                    continue
                }
                methods.insert(method)
            }
        }
        let pathText = reader.string(pathNode, "path")
        let path = pathText.flatMap(PathPattern.init)
        if let pathText, path == nil {
            reader.error(pathNode, "'\(pathText.prefix(80))' is not a path pattern: start with / and use ** only at the end")
        }
        let action = reader.string(actionNode, "action")
        if let action, !ActionName.isValid(action) {
            reader.error(actionNode, "'\(action.prefix(80))' is not a valid action name (dotted segments such as "
                + "bank.transfer)")
            valid = false
        }
        var query: [String] = []
        if let queryNode = find("query"), let items = reader.strings(queryNode, "query") {
            query = items.map(\.0)
        }
        guard valid, let path, let action else { return nil }
        return PolicyRoute(host: host, methods: methods, path: path, action: action, query: query,
                           line: node.mark.map { $0.line } ?? 1, column: node.mark.map { $0.column } ?? 1)
    }

    /// Unreachable routes (an earlier one takes all their requests) and overlapping routes with different
    /// actions (the first wins, which may not be what was meant).
    private mutating func lintRoutes(_ routes: [PolicyRoute]) {
        for (position, route) in routes.enumerated() {
            for earlier in routes[..<position] where earlier.overlaps(route) {
                if earlier.covers(route) {
                    reader.report(.warning, line: route.line, column: route.column,
                                  "route \(route.summary) is unreachable: the route at line \(earlier.line) "
                                      + "(\(earlier.summary) → \(earlier.action)) takes every request it matches")
                    break
                }
                if earlier.action != route.action {
                    reader.report(.warning, line: route.line, column: route.column,
                                  "route \(route.summary) → \(route.action) overlaps the route at line "
                                      + "\(earlier.line) (\(earlier.summary) → \(earlier.action)); requests "
                                      + "matching both are \(earlier.action)")
                    break
                }
            }
        }
    }
}
