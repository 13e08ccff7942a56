/// What one step-up ceremony must ask for so that the user finishes it in one go.
///
/// Computed by ``Session/stepUpPlan(for:ladder:at:candidates:)``: asking only for "a second factor" when the
/// session's password is also stale would send the user round the loop again.
public struct StepUpPlan: Sendable, Hashable {
    /// The password must be entered again in this ceremony (the session's is missing or older than the level allows).
    public var needsPassword: Bool
    /// Factors any ONE of which, used now (together with the password when needsPassword), completes the requirement.
    ///
    /// Never contains the password (that is ``needsPassword``). Empty only when `needsPassword` is true and the
    /// password alone completes the requirement (e.g. `{level: aal1, max_age: 5m}`).
    public var factors: Set<FactorKind>

    public init(needsPassword: Bool, factors: Set<FactorKind>) {
        self.needsPassword = needsPassword
        self.factors = factors
    }
}
