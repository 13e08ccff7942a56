extension Policy {
    /// Parses and validates a policy file.
    ///
    /// ```swift
    /// let policy = try Policy.load(yaml: text, file: "policy.yaml")
    /// ```
    /// - Parameter reputationLists: the names of the server's `network.reputation_lists`, which the risk section
    ///   may name; nil when unknown, and then any name that is not a network is an error.
    /// - Throws: ``PolicyError`` with every error and warning (`file:line:col: error: message`).
    ///   Warnings of a valid policy are in ``Policy/warnings``.
    public static func load(
        yaml: String, file: String, reputationLists: Set<String>? = nil
    ) throws(PolicyError) -> Policy {
        let (policy, diagnostics) = PolicyParser.parse(yaml: yaml, file: file, reputationLists: reputationLists)
        guard let policy else { throw PolicyError(diagnostics: diagnostics) }
        return policy
    }

    /// Parses and validates without throwing: the policy (nil on any error) and all diagnostics.
    public static func check(
        yaml: String, file: String, reputationLists: Set<String>? = nil
    ) -> (policy: Policy?, diagnostics: PolicyDiagnostics) {
        PolicyParser.parse(yaml: yaml, file: file, reputationLists: reputationLists)
    }

    /// The shipped default policy (NIST SP 800-63B-4 AAL1–AAL3), parsed; it is tested to load cleanly.
    public static func defaultPolicy() -> Policy? { try? load(yaml: defaultYAML, file: "default-policy.yaml") }

    /// The "Acme Bank" demo policy, parsed.
    public static func demoPolicy() -> Policy? { try? load(yaml: demoYAML, file: "demo-policy.yaml") }
}
