import StepUpCore

/// The admin's trusted and blocked addresses (``AddressRule``s from the ``AddressRuleStore``), ready for
/// per-request lookups. Build a new one whenever the rules change.
public struct AddressRuleSet: Sendable {
    public let trusted: CIDRSet
    public let blocked: CIDRSet
    /// Rules whose `cidr` did not parse (kept out, reported so the admin page can show them).
    public let invalid: [String]

    public init(rules: [AddressRule]) {
        var trusted: [CIDR] = []
        var blocked: [CIDR] = []
        var invalid: [String] = []
        for rule in rules {
            guard let block = CIDR(rule.cidr) else { invalid.append(rule.cidr); continue }
            switch rule.verdict {
            case .trusted: trusted.append(block)
            case .blocked: blocked.append(block)
            }
        }
        self.trusted = CIDRSet(trusted)
        self.blocked = CIDRSet(blocked)
        self.invalid = invalid
    }

    /// `blocked` wins over `trusted` when both match (fail closed); nil when no rule matches.
    public func verdict(for ip: String?) -> AddressRule.Verdict? {
        guard let ip, let address = IPAddress(ip) else { return nil }
        if blocked.contains(address) { return .blocked }
        if trusted.contains(address) { return .trusted }
        return nil
    }
}
