import Synchronization

/// The running policy, swapped atomically on reload: a reader gets the old or the new policy, never a mix.
///
/// File watching, SIGHUP and the admin API belong to the server; they call ``reload(yaml:file:)``.
public final class PolicyHolder: Sendable {
    /// The running policy, boxed: a reader holds the lock for one retain, and copies the policy out after it.
    /// (Copied out under the lock, the policy's dozen references made readers on two event loops queue for it, and
    /// a contended lock puts the loop's thread to sleep in the kernel.)
    private let state: Mutex<Installed>
    private let listNames: Mutex<Set<String>?>

    /// - Parameter reputationLists: the configured reputation list names every reload checks the policy against
    ///   (nil: unknown, so the risk section may name only networks).
    public init(_ policy: Policy, reputationLists: Set<String>? = nil) {
        state = Mutex(Installed(policy))
        listNames = Mutex(reputationLists)
    }

    /// The reputation list names reloads check the policy against.
    public var reputationLists: Set<String>? { listNames.withLock { $0 } }

    /// The policy to evaluate with; hold on to the returned value for the whole decision.
    public var current: Policy { state.withLock { $0 }.policy }

    /// The running policy's version.
    public var version: String { state.withLock { $0 }.policy.version }

    /// The running policy's risk settings (without copying the rest of it).
    public var risk: RiskSettings { state.withLock { $0 }.policy.risk }

    /// Installs `policy`, returning the one it replaces.
    @discardableResult
    public func replace(with policy: Policy) -> Policy {
        let installed = Installed(policy)
        return state.withLock { current in
            let old = current
            current = installed
            return old
        }.policy
    }

    /// Parses and validates `yaml`; installs it only when it has no errors. An invalid file leaves the running
    /// policy in place and its diagnostics come back for the log, metric and audit event.
    public func reload(yaml: String, file: String) -> PolicyReload {
        reload(yaml: yaml, file: file, reputationLists: reputationLists)
    }

    /// Like ``reload(yaml:file:)`` after the configured reputation lists changed: the new names are kept for
    /// later reloads only when the policy is applied, so a failed reload changes nothing.
    public func reload(yaml: String, file: String, reputationLists: Set<String>?) -> PolicyReload {
        let (policy, diagnostics) = Policy.check(yaml: yaml, file: file, reputationLists: reputationLists)
        guard let policy else {
            return PolicyReload(applied: false, version: version, previousVersion: version, diagnostics: diagnostics)
        }
        let old = replace(with: policy)
        listNames.withLock { $0 = reputationLists }
        return PolicyReload(
            applied: true, version: policy.version, previousVersion: old.version, diagnostics: diagnostics)
    }
}

/// A policy as installed: shared by reference, never changed.
private final class Installed: Sendable {
    let policy: Policy

    init(_ policy: Policy) {
        self.policy = policy
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
