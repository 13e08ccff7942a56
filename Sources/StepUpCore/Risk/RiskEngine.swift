import Foundation

/// Turns a ``RiskInput`` into an explained ``RiskAssessment``: every catalog signal that is enabled and fires
/// contributes its configured weight, with evidence a person can read.
///
/// The score is the plain sum of the fired signals' weights (no cap, no decay): easy to reason about when
/// writing thresholds, and every point of it is attributable to one line of evidence. The band comes from
/// ``RiskSettings/band(for:)``.
///
/// ```swift
/// let assessment = RiskEngine().assess(input, settings: policy.risk)
/// assessment.band          // .high
/// assessment.signals[0]    // new_country (30): "first sign-in from FR; last from US 2 h ago, 6,100 km"
/// ```
public struct RiskEngine: Sendable {
    public init() {}

    public func assess(_ input: RiskInput, settings: RiskSettings) -> RiskAssessment {
        var signals: [RiskSignal] = []
        var score = 0.0
        for entry in RiskSignalCatalog.entries {
            let signal = settings.settings(for: entry.name)
            guard signal.enabled, let evidence = evidence(for: entry.name, input, settings) else { continue }
            let weight = signal.weight.isFinite ? signal.weight : 0
            signals.append(RiskSignal(name: entry.name, weight: weight, evidence: evidence))
            score += weight
        }
        return RiskAssessment(score: score, band: settings.band(for: score), signals: signals)
    }

    /// The evidence when the named signal fires, nil when it does not.
    func evidence(for name: String, _ input: RiskInput, _ settings: RiskSettings) -> String? {
        switch name {
        case "new_device": return newDevice(input)
        case "new_country": return newCountry(input)
        case "impossible_travel": return impossibleTravel(input, settings)
        case "ip_reputation": return ipReputation(input, settings)
        case "failed_attempts": return failedAttempts(input, settings)
        case "credential_stuffing": return credentialStuffing(input, settings)
        case "unusual_hour": return unusualHour(input, settings)
        case "user_agent_change": return userAgentChange(input)
        case "anonymizing_network": return anonymizingNetwork(input, settings)
        case "cloned_authenticator": return input.clonedAuthenticator
        default: return nil
        }
    }
}
