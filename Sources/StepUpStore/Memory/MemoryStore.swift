import Foundation
import StepUpCore
import Synchronization

/// Every store protocol in memory, behind one lock: for unit tests and `--ephemeral` runs.
///
/// Each method takes the lock once, so the guarded operations (replay, single use, attempts, audit chain)
/// are atomic exactly as in the SQL backend. Behaviour matches ``SQLStore`` (the conformance suite runs both).
public final class MemoryStore: Sendable {
    struct State {
        var users: [String: UserRecord] = [:]
        var passwordHashes: [String: String] = [:]
        var factors: [String: FactorRecord] = [:]
        var recoveryCodes: [String: RecoveryCodeRecord] = [:]
        var sessions: [String: Session] = [:]
        var sessionIDByTokenHash: [String: String] = [:]
        var challenges: [String: Challenge] = [:]
        var devices: [DeviceKey: DeviceRecord] = [:]
        var audit: [AuditEvent] = []
        var failures: [String: [Date]] = [:]
        var budgets: [String: [BudgetUnit]] = [:]
        var riskHistory: [String: Data] = [:]
        var addressRules: [String: AddressRule] = [:]
        var tallies: [AuditTally] = []
        var codes: [String: OneTimeCodeRecord] = [:]
        var outbox: [String: OutboxMessage] = [:]

        func requireUser(_ id: String) throws {
            guard users[id] != nil else { throw StoreError.notFound("user \(id)") }
        }
    }

    struct BudgetUnit {
        var id: String
        var at: Date
    }

    struct DeviceKey: Hashable {
        var userID: String
        var deviceID: String
    }

    let state = Mutex(State())
    let oidc = Mutex<[OIDCKey: OIDCRecord]>([:])

    public init() {}

    /// This store as the bundle the server passes around.
    public var stores: Stores {
        Stores(credentials: self, factors: self, recoveryCodes: self, sessions: self, challenges: self,
               devices: self, audit: self, throttle: self, budgets: self, riskHistory: self, addressRules: self,
               units: self, codes: self, outbox: self)
    }

    /// Recomputes the audit chain; see ``AuditChain``.
    public func verifyAuditChain() -> AuditChainReport {
        AuditChain.verify(state.withLock { $0.audit })
    }
}
