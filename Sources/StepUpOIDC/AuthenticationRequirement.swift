import Foundation
import StepUpCore

/// What an authorization request demands of the user's session, on the policy's level ladder.
///
/// `acr_values` and an `acr` claim request name levels by their `acr` (or an alias); any listed level satisfies the
/// request, so the weakest recognised one is the requirement. `max_age` is a freshness demand on that level, exactly
/// like a policy rule's `max_age`, so the same step-up ceremony meets both.
public struct AuthenticationRequirement: Sendable, Hashable {
    public var level: Level
    /// Seconds within which a qualifying authentication must have happened.
    public var maxAge: TimeInterval?
    /// `prompt=login` or `max_age=0`: an authentication after the request started is required.
    public var forcesLogin: Bool
    /// The client marked `acr` essential: failing to reach `level` is an error, not a weaker token.
    public var essential: Bool

    public init(level: Level, maxAge: TimeInterval? = nil, forcesLogin: Bool = false, essential: Bool = false) {
        self.level = level
        self.maxAge = maxAge
        self.forcesLogin = forcesLogin
        self.essential = essential
    }

    /// Resolves a request against the ladder.
    ///
    /// Unknown `acr` values are ignored unless they are all the client asked for *and* the claim is essential:
    /// then nothing StepUp can issue would satisfy it (`unmet_authentication_requirements`).
    public static func resolve(_ request: AuthorizationRequest, ladder: LevelLadder) throws(OIDCError) -> Self {
        guard let lowest = ladder.levels.first else { throw .serverError("the policy defines no levels") }
        let essential = request.acrClaim?.essential ?? false
        let claimValues = request.acrClaim?.values ?? []
        let requested = claimValues.isEmpty ? request.acrValues : claimValues
        let known = requested.compactMap(ladder.level(acr:))
        let level: Level
        if let weakest = known.min(by: { $0.rank < $1.rank }) {
            level = weakest
        } else if essential && !requested.isEmpty {
            throw .unmetAuthenticationRequirements("none of the requested acr values is offered: \(ladder.acrValues)")
        } else {
            level = lowest
        }
        return Self(
            level: level,
            maxAge: request.maxAge.flatMap { $0 > 0 ? TimeInterval($0) : nil },
            forcesLogin: request.forcesLogin,
            essential: essential
        )
    }

    /// The stricter of this requirement and a policy decision's (`oidc.authorize`): the higher level and the
    /// shorter freshness.
    public func tightened(by level: Level, maxAge: TimeInterval?) -> Self {
        var result = self
        if level.rank > self.level.rank { result.level = level }
        if let maxAge { result.maxAge = min(self.maxAge ?? maxAge, maxAge) }
        return result
    }
}

extension LevelLadder {
    /// The `acr` values the ladder offers, weakest first (`acr_values_supported`).
    public var acrValues: [String] { levels.map(\.acr) }
}
