/// One element of a level's factor combination: "a TOTP", "any phishing-resistant factor", …
///
/// An event matches when its factor is among `factors` (an empty set means any factor) and it has every
/// flag the condition asks for.
public struct FactorCondition: Sendable, Hashable, Codable {
    public var factors: Set<FactorKind>
    public var phishingResistant: Bool
    public var userVerified: Bool
    public var hardwareBound: Bool

    public init(
        factors: Set<FactorKind> = [],
        phishingResistant: Bool = false,
        userVerified: Bool = false,
        hardwareBound: Bool = false
    ) {
        self.factors = factors
        self.phishingResistant = phishingResistant
        self.userVerified = userVerified
        self.hardwareBound = hardwareBound
    }

    public static func factor(_ kind: FactorKind) -> FactorCondition { FactorCondition(factors: [kind]) }

    public func matches(_ event: AuthenticationEvent) -> Bool {
        if !factors.isEmpty, !factors.contains(event.factor) { return false }
        if phishingResistant, !event.traits.phishingResistant { return false }
        if userVerified, !event.traits.userVerified { return false }
        if hardwareBound, !event.traits.hardwareBound { return false }
        return true
    }
}
