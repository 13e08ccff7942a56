/// WebAuthn's `userVerification` option (§5.8.6).
public enum UserVerificationRequirement: String, Sendable, Hashable, CaseIterable {
    /// Refuse a response without UV.
    case required
    /// Ask for UV, accept without it (the step-up level then counts one factor).
    case preferred
    /// Do not ask (the browser may still verify).
    case discouraged

    /// True only for `.required`: the value `verify…(requireUserVerification:)` takes.
    public var isRequired: Bool { self == .required }
}
