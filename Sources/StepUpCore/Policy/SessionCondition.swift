import Foundation

/// A rule condition on the caller's session: "already authenticated with a phishing-resistant factor",
/// "used a TOTP in the last 10 minutes", "currently at aal2", or "has no session at all".
struct SessionCondition: Sendable, CustomStringConvertible {
    /// `false` matches only requests without a session; `true` only requests with one.
    var present: Bool?
    /// An event of one of these factors (nil = any factor).
    var factors: Set<FactorKind>?
    var phishingResistant = false
    var userVerified = false
    var hardwareBound = false
    /// Only events at most this old count.
    var within: TimeInterval?
    /// The session currently satisfies this level.
    var level: Level?

    /// Whether any event-level test is asked for (otherwise `present` alone decides).
    var needsEvent: Bool {
        factors != nil || phishingResistant || userVerified || hardwareBound || within != nil
    }

    func matches(_ session: Session?, at now: Date) -> Bool {
        guard let session, session.isActive(at: now) else { return present == false }
        if present == false { return false }
        if let level, !session.satisfies(level, at: now) { return false }
        guard needsEvent else { return true }
        return session.events.contains { event in
            if let factors, !factors.contains(event.factor) { return false }
            if phishingResistant, !event.traits.phishingResistant { return false }
            if userVerified, !event.traits.userVerified { return false }
            if hardwareBound, !event.traits.hardwareBound { return false }
            if let within {
                let age = now.timeIntervalSince(event.at)
                if age > within || age < -60 { return false }
            }
            return true
        }
    }

    var description: String {
        if present == false { return "is absent" }
        var parts: [String] = []
        if let level { parts.append("is at \(level.name)") }
        var event: [String] = []
        if let factors { event.append("of " + factors.map(\.rawValue).sorted().joined(separator: "/")) }
        if phishingResistant { event.append("phishing-resistant") }
        if userVerified { event.append("user-verified") }
        if hardwareBound { event.append("hardware-bound") }
        if let within { event.append("within \(Int(within))s") }
        if !event.isEmpty { parts.append("has an event " + event.joined(separator: ", ")) }
        return parts.isEmpty ? "is present" : parts.joined(separator: " and ")
    }
}
