import Foundation

/// Housekeeping every backend offers, for a periodic server task and the CLI.
public protocol StoreMaintenance: Sendable {
    /// Deletes sessions that expired or were revoked before `cutoff`, challenges that expired before it,
    /// failure rows older than it, and budget units (spent guesses and ceremony nonces) spent before it.
    /// The audit log is never pruned.
    func pruneExpired(before cutoff: Date) async throws -> PruneReport
    /// Recomputes the audit hash chain from the first event.
    func verifyAuditChain() async throws -> AuditChainReport
}

/// What ``StoreMaintenance/pruneExpired(before:)`` removed.
public struct PruneReport: Sendable, Hashable, CustomStringConvertible {
    public var sessions: Int
    public var challenges: Int
    public var throttleFailures: Int
    /// Spent budget units: wrong guesses and used WebAuthn/device nonces.
    public var budgetUnits: Int

    public init(sessions: Int = 0, challenges: Int = 0, throttleFailures: Int = 0, budgetUnits: Int = 0) {
        self.sessions = sessions
        self.challenges = challenges
        self.throttleFailures = throttleFailures
        self.budgetUnits = budgetUnits
    }

    public var description: String {
        "pruned \(sessions) sessions, \(challenges) challenges, \(throttleFailures) failure records, "
            + "\(budgetUnits) budget units"
    }
}
