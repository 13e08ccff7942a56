import Foundation

/// What a `step_up` asks for: at least `level`, with events no older than `maxAge`, using `allowedFactors`,
/// bound to the transaction fields named in `bind`.
public struct Requirement: Sendable, Hashable, Codable {
    public var level: String
    /// Seconds; `0` means a fresh proof every time (a single-use grant).
    public var maxAge: TimeInterval?
    /// `nil` means any factor the level accepts.
    public var allowedFactors: Set<FactorKind>?
    public var bind: [String]
    /// Shown to the user on the step-up prompt; `{{field}}` placeholders name transaction fields.
    public var message: String?

    public init(
        level: String,
        maxAge: TimeInterval? = nil,
        allowedFactors: Set<FactorKind>? = nil,
        bind: [String] = [],
        message: String? = nil
    ) {
        self.level = level
        self.maxAge = maxAge
        self.allowedFactors = allowedFactors
        self.bind = bind
        self.message = message
    }

    /// Whether satisfying it needs a single-use grant rather than session freshness.
    public var needsGrant: Bool { maxAge == 0 || !bind.isEmpty }
}
