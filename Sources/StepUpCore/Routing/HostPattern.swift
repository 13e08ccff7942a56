/// The host a route applies to: `app.example.com` exactly, or `*.example.com` — any host one or more labels below
/// `example.com` (not `example.com` itself). Compared case-insensitively, without the port.
public struct HostPattern: Sendable, Hashable, CustomStringConvertible {
    /// Lowercased; for a wildcard, the suffix after `*.`.
    let name: String
    let wildcard: Bool

    public var description: String { wildcard ? "*.\(name)" : name }

    /// `nil` for anything that is not a host name (letters, digits, `-` and `.`, labels of 1–63 characters) or such
    /// a name after `*.`.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        let wildcard = lowered.hasPrefix("*.")
        let name = wildcard ? String(lowered.dropFirst(2)) : lowered
        guard Self.isHostName(name) else { return nil }
        self.name = name
        self.wildcard = wildcard
    }

    /// Whether `host` (as a `Host` or `X-Forwarded-Host` header gives it, with or without a port) is this one.
    public func matches(_ host: String) -> Bool {
        let bare = Self.stripPort(host).lowercased()
        return wildcard ? bare.hasSuffix("." + name) && bare.count > name.count + 1 : bare == name
    }

    /// Every host `other` matches, this one matches too.
    func covers(_ other: HostPattern) -> Bool {
        if wildcard { return other.name == name ? other.wildcard : other.name.hasSuffix("." + name) }
        return !other.wildcard && other.name == name
    }

    /// Some host matches both.
    func overlaps(_ other: HostPattern) -> Bool { covers(other) || other.covers(self) }

    /// `host` without a trailing `:port` (an IPv6 literal keeps its brackets).
    public static func stripPort(_ host: String) -> Substring {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return host[...close] }
        if let colon = host.lastIndex(of: ":"), host[host.index(after: colon)...].allSatisfy(\.isNumber) {
            return host[..<colon]
        }
        return Substring(host)
    }

    static func isHostName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        }
    }
}
