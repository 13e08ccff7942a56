import Foundation

extension RiskEngine {
    /// The address is on a reputation list. `lists` (optional) restricts which list names count.
    func ipReputation(_ input: RiskInput, _ settings: RiskSettings) -> String? {
        guard !input.addressTrusted else { return nil }
        let hits = filtered(input.reputationHits, by: settings.strings("lists", of: "ip_reputation"))
        guard !hits.isEmpty else { return nil }
        return "\(input.context.ip ?? "the address") is on \(hits.joined(separator: ", "))"
    }

    /// The address is in a hosting or anonymising network. The server resolves the `networks` parameter
    /// (list names or CIDR blocks) into `anonymizingHits`.
    func anonymizingNetwork(_ input: RiskInput, _ settings: RiskSettings) -> String? {
        guard !input.addressTrusted, !input.anonymizingHits.isEmpty else { return nil }
        let hits = Array(Set(input.anonymizingHits)).sorted()
        let address = input.context.ip ?? "the address"
        return "\(address) is in a hosting or anonymising network (\(hits.joined(separator: ", ")))"
    }

    /// At least `threshold` failures for this user, or from this address, within the window.
    func failedAttempts(_ input: RiskInput, _ settings: RiskSettings) -> String? {
        let threshold = max(1, settings.number("threshold", of: "failed_attempts", fallback: 5))
        let window = RiskEvidence.duration(settings.failedAttemptsWindow)
        var parts: [String] = []
        if Double(input.counters.userFailures) >= threshold {
            parts.append("\(input.counters.userFailures) failed attempts for this account")
        }
        if Double(input.counters.addressFailures) >= threshold {
            parts.append("\(input.counters.addressFailures) from \(input.context.ip ?? "this address")")
        }
        guard !parts.isEmpty else { return nil }
        return parts.joined(separator: " and ") + " in the last \(window) (threshold \(Int(threshold)))"
    }

    /// At least `usernames` different usernames tried from this address within the window.
    func credentialStuffing(_ input: RiskInput, _ settings: RiskSettings) -> String? {
        let limit = max(2, settings.number("usernames", of: "credential_stuffing", fallback: 10))
        guard Double(input.counters.distinctUsernames) >= limit else { return nil }
        let window = RiskEvidence.duration(settings.credentialStuffingWindow)
        return "\(input.counters.distinctUsernames) different usernames tried from "
            + "\(input.context.ip ?? "this address") in the last \(window) (threshold \(Int(limit)))"
    }

    /// Hits restricted to the allowed names (all hits when no restriction is configured), sorted, unique.
    private func filtered(_ hits: [String], by allowed: [String]?) -> [String] {
        let unique = Set(hits)
        guard let allowed else { return unique.sorted() }
        return unique.intersection(allowed).sorted()
    }
}
