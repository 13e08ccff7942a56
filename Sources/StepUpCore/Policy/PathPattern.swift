/// An HTTP path pattern for gateway rules: `/accounts/{id}/transfers`, `/static/*`, `/admin/**`.
///
/// `{name}` and `*` match one non-empty segment, `**` (last only) matches the rest, including nothing.
struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    let text: String
    let segments: [Substring]

    var description: String { text }

    init?(_ text: String) {
        guard text.hasPrefix("/") else { return nil }
        self.text = text
        segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
        if let index = segments.firstIndex(of: "**"), index != segments.count - 1 { return nil }
    }

    func matches(_ path: String) -> Bool {
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
