import StepUpCore

/// The checks on `sessions.cookie_domain`, a session cookie shared by the hosts forward auth protects.
///
/// A cookie domain too wide hands the session to hosts nobody meant to trust; one the browser refuses breaks
/// every sign-in silently. So the domain must be a plain host name with at least one dot (never an address, a
/// single label or a wildcard), and StepUp's own host must be inside it.
enum CookieDomain {
    static func isAcceptable(_ domain: String) -> Bool {
        guard !domain.hasPrefix("*"), !domain.hasPrefix("."), domain.contains("."), HostPattern(domain) != nil
        else { return false }
        // All-numeric labels: an IPv4 address, which cookies cannot share across hosts.
        return !domain.split(separator: ".").allSatisfy { $0.allSatisfy(\.isNumber) }
    }

    /// Whether a cookie for `domain` reaches `host`.
    static func covers(_ domain: String, host: String) -> Bool {
        let host = String(HostPattern.stripPort(host)).lowercased()
        return host == domain || host.hasSuffix("." + domain)
    }
}
