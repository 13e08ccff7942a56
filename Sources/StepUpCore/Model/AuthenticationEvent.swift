import Foundation

/// One successful use of a factor within a session.
public struct AuthenticationEvent: Sendable, Hashable, Codable {
    public var id: String
    public var factor: FactorKind
    public var traits: FactorTraits
    public var at: Date
    public var deviceID: String?
    /// The transaction hash this event was bound to, if it completed a bound challenge.
    public var bindingHash: String?

    public init(
        id: String,
        factor: FactorKind,
        traits: FactorTraits? = nil,
        at: Date,
        deviceID: String? = nil,
        bindingHash: String? = nil
    ) {
        self.id = id
        self.factor = factor
        self.traits = traits ?? factor.traits
        self.at = at
        self.deviceID = deviceID
        self.bindingHash = bindingHash
    }
}
