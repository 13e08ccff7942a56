/// An HTTP path pattern for gateway rules: `/accounts/{id}/transfers`, `/static/*`, `/admin/**`.
///
/// `{name}` and `*` match one non-empty segment, `**` (last only) matches the rest, including nothing.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    let text: String
    let segments: [Substring]

    public var description: String { text }

    public init?(_ text: String) {
        guard text.hasPrefix("/") else { return nil }
        self.text = text
        segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
        if let index = segments.firstIndex(of: "**"), index != segments.count - 1 { return nil }
    }

    /// Names of the `{name}` segments.
    var parameterNames: [String] {
        segments.filter { $0.hasPrefix("{") && $0.hasSuffix("}") && $0.count > 2 }
            .map { String($0.dropFirst().dropLast()) }
    }

    /// The value of parameter `name` in `path`, when the path matches.
    func parameter(_ name: String, in path: String) -> String? {
        guard matches(path), let position = segments.firstIndex(of: Substring("{\(name)}")) else { return nil }
        var trimmed = Substring(path)
        if let query = trimmed.firstIndex(where: { $0 == "?" || $0 == "#" }) { trimmed = trimmed[..<query] }
        let parts = trimmed.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        return position < parts.count ? String(parts[position]) : nil
    }

    public func matches(_ path: String) -> Bool {
        var path = Substring(path)
        if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<query] }
        guard path.hasPrefix("/") else { return false }
        let parts = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment == "**" { return true }
            guard index < parts.count else { return false }
            let part = parts[index]
            if segment == "*" || (segment.hasPrefix("{") && segment.hasSuffix("}")) {
                if part.isEmpty { return false }
            } else if segment != part {
                return false
            }
        }
        return parts.count == segments.count
    }
}
