import Synchronization

/// The running policy, swapped atomically on reload: a reader gets the old or the new policy, never a mix.
///
/// File watching, SIGHUP and the admin API belong to the server; they call ``reload(yaml:file:)``.
public final class PolicyHolder: Sendable {
    private let state: Mutex<Policy>

    public init(_ policy: Policy) { state = Mutex(policy) }

    /// The policy to evaluate with; hold on to the returned value for the whole decision.
    public var current: Policy { state.withLock { $0 } }

    /// The running policy's version.
    public var version: String { state.withLock { $0.version } }

    /// Installs `policy`, returning the one it replaces.
    @discardableResult
    public func replace(with policy: Policy) -> Policy {
        state.withLock { current in
            let old = current
            current = policy
            return old
        }
    }

    /// Parses and validates `yaml`; installs it only when it has no errors. An invalid file leaves the running
    /// policy in place and its diagnostics come back for the log, metric and audit event.
    public func reload(yaml: String, file: String) -> PolicyReload {
        let (policy, diagnostics) = Policy.check(yaml: yaml, file: file)
        guard let policy else {
            return PolicyReload(applied: false, version: version, previousVersion: version, diagnostics: diagnostics)
        }
        let old = replace(with: policy)
        return PolicyReload(
            applied: true, version: policy.version, previousVersion: old.version, diagnostics: diagnostics)
    }
}

/// What a reload did.
public struct PolicyReload: Sendable, Hashable, Codable {
    /// Whether the new file is now the running policy.
    public var applied: Bool
    /// The running version after the reload.
    public var version: String
    public var previousVersion: String
    /// Errors (when not applied) and warnings.
    public var diagnostics: PolicyDiagnostics
}
