import Foundation

/// A rung on the assurance ladder (defaults `aal1` < `aal2` < `aal3`, after NIST SP 800-63B-4).
public struct Level: Sendable, Hashable, Codable {
    public var name: String
    /// Position on the ladder; higher is stronger. Unique within a ladder.
    public var rank: Int
    /// The `acr` value put in tokens; `acrAliases` are also accepted in `acr_values`.
    public var acr: String
    public var acrAliases: [String]
    /// Each combination is a list of conditions, each met by a distinct, fresh event.
    public var combinations: [[FactorCondition]]
    /// How long after an authentication event it still counts toward this level.
    public var maxAge: TimeInterval
    /// How long a session may be idle before this level lapses.
    public var idleTimeout: TimeInterval

    public init(
        name: String,
        rank: Int,
        acr: String,
        acrAliases: [String] = [],
        combinations: [[FactorCondition]],
        maxAge: TimeInterval,
        idleTimeout: TimeInterval
    ) {
        self.name = name
        self.rank = rank
        self.acr = acr
        self.acrAliases = acrAliases
        self.combinations = combinations
        self.maxAge = maxAge
        self.idleTimeout = idleTimeout
    }
}

/// The ordered set of levels a policy defines. Unknown level names resolve to `nil`: callers deny.
public struct LevelLadder: Sendable, Hashable, Codable {
    public private(set) var levels: [Level]

    /// - Parameter levels: any order; they are sorted by rank.
    public init(_ levels: [Level]) {
        self.levels = levels.sorted { $0.rank < $1.rank }
    }

    public subscript(name: String) -> Level? { levels.first { $0.name == name } }

    /// The level whose `acr` or one of whose aliases is `acr`.
    public func level(acr: String) -> Level? {
        levels.first { $0.acr == acr || $0.acrAliases.contains(acr) }
    }

    /// Levels at least as strong as `level`, strongest first.
    public func levels(atLeast level: Level) -> [Level] {
        levels.filter { $0.rank >= level.rank }.reversed()
    }

    /// NIST SP 800-63B-4 defaults: AAL1 30 days / 30 days idle (password or any factor),
    /// AAL2 24 h / 1 h idle (two factors, or one phishing-resistant user-verified authenticator),
    /// AAL3 12 h / 15 min idle (a hardware-bound phishing-resistant factor plus a second factor or user verification).
    public static let nistDefault = LevelLadder([
        Level(
            name: "aal1", rank: 1, acr: "urn:stepup:acr:aal1", acrAliases: ["aal1", "1"],
            combinations: [[FactorCondition()]],
            maxAge: 30 * 86_400, idleTimeout: 30 * 86_400
        ),
        Level(
            name: "aal2", rank: 2, acr: "urn:stepup:acr:aal2", acrAliases: ["aal2", "2"],
            combinations: [
                [.factor(.password), FactorCondition(factors: [.totp, .hotp, .webauthn, .push, .smsOTP, .emailOTP, .recoveryCode])],
                [FactorCondition(phishingResistant: true, userVerified: true)],
            ],
            maxAge: 24 * 3_600, idleTimeout: 3_600
        ),
        Level(
            name: "aal3", rank: 3, acr: "urn:stepup:acr:aal3", acrAliases: ["aal3", "3"],
            combinations: [
                [FactorCondition(phishingResistant: true, userVerified: true, hardwareBound: true)],
                [FactorCondition(phishingResistant: true, hardwareBound: true), .factor(.password)],
            ],
            maxAge: 12 * 3_600, idleTimeout: 15 * 60
        ),
    ])
}
