import Foundation
import Yams

/// `audit:` on a rule and the policy-wide `audit: {allow: …}`: how many allows are written row by row (issue #9).
extension PolicyParser {
    static let auditOutcomes: Set<String> = ["allow", "deny", "step_up"]
    static let auditForms = "full, counted or sampled N (1 in N allows written in full, N from 2 to 1000000)"

    /// The top-level `audit:` mapping: the volume for allows no matching rule sets one for.
    mutating func parseAuditDefaults(_ node: Node) -> AuditVolume {
        guard node.mapping != nil else {
            reader.error(node, "audit must be a mapping from outcome to volume (e.g. audit: {allow: sampled 10})")
            return .full
        }
        guard let entries = reader.mapping(node, "audit", allowed: Self.auditOutcomes) else { return .full }
        var allow = AuditVolume.full
        for entry in entries {
            guard let volume = auditVolume(entry.value, "audit.\(entry.key)") else { continue }
            if entry.key == "allow" {
                allow = volume
            } else if volume != .full {
                reader.error(entry.value, "\(entry.key) decisions are always written in full; "
                    + "write '\(entry.key): full' or remove it")
            }
        }
        return allow
    }

    /// A rule's own `audit:`. A rule that denies never takes part in an allow, so a volume there is a slip.
    mutating func parseRuleAudit(_ node: Node, effect: RuleEffect?, ruleID: String) -> AuditVolume? {
        guard let volume = auditVolume(node, "audit") else { return nil }
        if case .deny = effect {
            reader.warning(node, "rule '\(ruleID)' denies, and denials are always written in full: "
                + "its 'audit' has no effect; remove it")
        }
        return volume
    }

    /// Whether `rule` can make an allow that `other` also takes part in more verbose: then it changes what is
    /// audited even where it never changes the outcome (a narrow `full` rule inside a wide `counted` one).
    func auditOutweighs(_ rule: PolicyRule, _ other: PolicyRule) -> Bool {
        if case .deny = rule.effect { return false }
        if case .deny = other.effect { return false }
        let own = rule.audit ?? allowAudit, others = other.audit ?? allowAudit
        return own != others && own.mostVerbose(others) == own
    }

    /// `full`, `counted` or `sampled N`.
    private mutating func auditVolume(_ node: Node, _ what: String) -> AuditVolume? {
        guard let text = node.scalar?.string, !reader.isNull(node) else {
            reader.error(node, "\(what) must be \(Self.auditForms)")
            return nil
        }
        let words = text.split(whereSeparator: \.isWhitespace)
        switch (words.first.map(String.init) ?? "", words.count) {
        case ("full", 1): return .full
        case ("counted", 1): return .counted
        case ("sampled", _):
            let digits = words.count == 2 && words[1].allSatisfy { $0.isASCII && $0.isNumber }
            guard digits, let every = Int(words[1]), AuditVolume.samplingRange.contains(every) else {
                if digits, Int(words[1]) == 1 {
                    reader.error(node, "'\(text)' writes every decision; write 'full'")
                } else {
                    reader.error(node, "'\(text)' needs a whole number N from 2 to 1000000 "
                        + "(e.g. sampled 100: 1 in 100 allows written in full)")
                }
                return nil
            }
            return .sampled(every: every)
        default:
            reader.error(node, "'\(text)' is not an audit volume; write \(Self.auditForms)")
            return nil
        }
    }
}
