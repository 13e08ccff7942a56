extension FactorKind {
    /// A *restricted* authenticator (NIST SP 800-63B-4 §3.1.3.3): SMS codes travel over a network the user does not
    /// control (SIM swaps, number porting, SS7 interception). A policy may use it, but should not let it carry a
    /// level alone; `stepup policy check` warns when one does.
    public var isRestricted: Bool { self == .smsOTP }
}
