import Foundation
import SQLKit
import StepUpCore

extension SQLStore: AuditStore {
    /// Appends through the group committer: the head is read inside the write transaction (SQLite's write lock,
    /// across processes too), so two events can never claim the same predecessor and fork the chain.
    @discardableResult
    public func append(_ event: AuditEventDraft) async throws -> AuditEvent {
        guard let appended = try await commit(UnitOfWork(auditEvents: [event])).first else {
            throw StoreError.backend("the audit append returned no event")
        }
        return appended
    }

    public func auditEvents(after: Int64, limit: Int) async throws -> [AuditEvent] {
        try await withDatabase { database in
            try await database.raw("""
                SELECT * FROM audit_events WHERE sequence > \(bind: after) ORDER BY sequence
                LIMIT \(bind: max(0, min(limit, 100_000)))
                """).all().map(Self.auditEvent)
        }
    }

    /// Recomputes the whole chain, and checks that no events were cut off its end (the head row remembers
    /// the last sequence and hash).
    public func verifyAuditChain(pageSize: Int) async throws -> AuditChainReport {
        var report = try await (self as any AuditStore).verifyAuditChain(pageSize: pageSize)
        guard report.isIntact else { return report }
        let head = try await withDatabase { database in
            try await database.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first()
        }
        guard let head else { return AuditChainReport(checkedEvents: report.checkedEvents, firstBrokenSequence: 1,
                                                       reason: "audit_head row is missing") }
        let headSequence = try head.int64("sequence")
        if headSequence != Int64(report.checkedEvents) {
            report.firstBrokenSequence = Int64(report.checkedEvents) + 1
            report.reason = "the log ends at \(report.checkedEvents) but its head records \(headSequence) events"
        }
        return report
    }

    static func auditEvent(_ row: any SQLRow) throws -> AuditEvent {
        let draft = AuditEventDraft(
            type: try row.string("type"), at: try row.date("occurred_at"), userID: try row.optionalString("user_id"),
            sessionID: try row.optionalString("session_id"), ip: try row.optionalString("ip"),
            policyVersion: try row.optionalString("policy_version"),
            details: try row.json("details", as: [String: String].self))
        return AuditEvent(sequence: try row.int64("sequence"), event: draft,
                          previousHash: try row.string("previous_hash"), hash: try row.string("hash"))
    }
}
