import Crypto
import Foundation
import Logging
import StepUpCore
import Synchronization

/// StepUp's use cases — sign in, decide, challenge, verify, enroll — shared by the JSON API and the pages.
///
/// Holds no per-instance state that another instance would need: everything lives in the stores, so several
/// instances can share one database.
public final class StepUpService: Sendable {
    let configuration: ServerConfiguration
    public let stores: Stores
    public let policy: PolicyHolder
    let crypto: CredentialCrypto
    let risk: RiskService
    let auditor: Auditor
    let engine: DecisionEngine
    let logger: Logger
    public let metrics: StepUpMetrics
    /// The clock; tests pass a fixed or advancing one.
    public let now: @Sendable () -> Date
    /// Allows seen per sampled rule set (audit volume `sampled N`): which one is written in full. Per instance:
    /// with several instances each writes 1 in N of its own.
    let auditSamples = Mutex<[String: UInt64]>([:])

    public init(
        configuration: ServerConfiguration,
        stores: Stores,
        policy: PolicyHolder,
        crypto: CredentialCrypto,
        risk: RiskService,
        logger: Logger,
        metrics: StepUpMetrics = StepUpMetrics(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.stores = stores
        self.policy = policy
        self.crypto = crypto
        self.risk = risk
        self.auditor = Auditor(store: stores.audit, logger: logger, policyVersion: { policy.version })
        self.engine = DecisionEngine(grantLifetime: configuration.challenges.grantLifetime)
        self.logger = logger
        self.metrics = metrics
        self.now = now
    }

    /// SHA-256 hex, for transaction binding hashes.
    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hex
    }

    func subject(for user: UserRecord) -> Subject {
        Subject(id: user.id, username: user.username, roles: Set(user.roles))
    }
}
