/// Absolute return URLs for forward auth: after signing in at StepUp, the browser goes back to the protected
/// application it came from — but only to a host the operator listed, never to wherever a link says.
extension SafeRedirect {
    /// `raw` if it is `http(s)://host[:port]` followed by a path ``localPath(_:)`` accepts (or nothing), with
    /// `host` matched by one of `hosts`; else nil. No user info, no backslashes, no encoded tricks in the host.
    ///
    /// ```swift
    /// SafeRedirect.protectedURL("https://app.example.com/reports?x=1", hosts: [HostPattern("*.example.com")!])
    /// // "https://app.example.com/reports?x=1"
    /// SafeRedirect.protectedURL("https://evil.example/?", hosts: [HostPattern("*.example.com")!]) // nil
    /// ```
    public static func protectedURL(_ raw: String?, hosts: [HostPattern]) -> String? {
        guard let raw, raw.utf8.count <= 2 * maxLength, !hosts.isEmpty else { return nil }
        let afterScheme: Substring
        if raw.hasPrefix("https://") {
            afterScheme = raw.dropFirst(8)
        } else if raw.hasPrefix("http://") {
            afterScheme = raw.dropFirst(7)
        } else {
            return nil
        }
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        // Host name and port only: lowercase letters, digits, '-', '.', ':' (no '@' user info, '%', '\', '[').
        guard !authority.isEmpty,
              authority.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A)
                  || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E || $0 == 0x3A })
        else { return nil }
        let host = HostPattern.stripPort(String(authority))
        guard !host.contains(":"), HostPattern(String(host)) != nil,
              hosts.contains(where: { $0.matches(String(host)) })
        else { return nil }
        let rest = afterScheme[authorityEnd...]
        if rest.isEmpty { return raw }
        // A query or fragment right after the host: check it as if it followed "/".
        let path = rest.hasPrefix("/") ? String(rest) : "/" + rest
        return localPath(path) == nil ? nil : raw
    }
}
