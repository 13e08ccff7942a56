import Foundation

/// What a route demands of an access token's authentication: at least `acr` on the ladder, no older than
/// `maxAge` seconds (RFC 9470 §3).
public struct GuardRequirement: Sendable, Hashable {
    /// The weakest acceptable `acr`; nil accepts any authentication.
    public var acr: String?
    /// Seconds since `auth_time`; nil for no limit.
    public var maxAge: Int?
    /// Scopes the token must carry.
    public var scopes: [String]

    public init(acr: String? = nil, maxAge: Int? = nil, scopes: [String] = []) {
        self.acr = acr
        self.maxAge = maxAge
        self.scopes = scopes
    }
}

/// The order of `acr` values, weakest first: a token at a later value satisfies an earlier requirement. StepUp
/// publishes this order as `acr_values_supported` in its discovery document.
public struct AcrLadder: Sendable, Hashable {
    public let values: [String]

    public init(_ values: [String]) { self.values = values }

    /// StepUp's default levels (NIST SP 800-63B AAL1–AAL3).
    public static let stepUpDefault = AcrLadder(["urn:stepup:acr:aal1", "urn:stepup:acr:aal2", "urn:stepup:acr:aal3"])

    /// Position on the ladder; nil for a value the ladder does not know (which satisfies nothing).
    public func rank(_ acr: String) -> Int? { values.firstIndex(of: acr) }

    /// Whether `presented` is at least `required`. Unknown values fail closed.
    public func satisfies(_ presented: String, _ required: String) -> Bool {
        guard let have = rank(presented), let need = rank(required) else { return false }
        return have >= need
    }
}
