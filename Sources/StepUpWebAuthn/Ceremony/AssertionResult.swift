/// A sign-in assertion that verified.
public struct AssertionResult: Sendable, Hashable {
    /// The counter the authenticator reported: store it (unless ``signCountRegressed``, when the server decides).
    public let signCount: UInt32
    public let userVerified: Bool
    public let backupEligible: Bool
    public let backupState: Bool
    /// The counter did not move forward although the authenticator keeps one: the credential may have been
    /// cloned. Reported, not thrown, so the server can raise a `cloned_authenticator` risk signal and decide.
    public let signCountRegressed: Bool

    /// The amr values and booleans this proof earns.
    public var methods: AuthenticationMethods {
        AuthenticationMethods(userVerified: userVerified, backupEligible: backupEligible)
    }

    /// WebAuthn §7.2 step 22: when either counter is non-zero, the new one must exceed the stored one.
    static func regressed(stored: UInt32, received: UInt32) -> Bool {
        (stored != 0 || received != 0) && received <= stored
    }
}
