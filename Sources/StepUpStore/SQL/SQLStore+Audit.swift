import Foundation
import SQLKit
import StepUpCore

extension SQLStore: AuditStore {
    /// Appends in a transaction that first bumps the single `audit_head` row: that write lock serializes every
    /// append (across processes too), so two events can never claim the same predecessor and fork the chain.
    @discardableResult
    public func append(_ event: AuditEventDraft) async throws -> AuditEvent {
        let details = try jsonText(event.details)
        return try await transaction { database in
            let rows = try await database.raw("""
                UPDATE audit_head SET sequence = sequence + 1 WHERE id = 1 RETURNING sequence, hash
                """).all()
            guard let head = rows.first else { throw StoreError.backend("audit_head row is missing") }
            let sequence = try head.int64("sequence")
            let appended = AuditChain.next(after: (sequence - 1, try head.string("hash")), event)
            let draft = appended.event
            try await database.raw("""
                INSERT INTO audit_events (sequence, type, occurred_at, user_id, session_id, ip, policy_version, details,
                    previous_hash, hash)
                VALUES (\(bind: appended.sequence), \(bind: draft.type), \(bind: draft.at.sqlSeconds),
                    \(bind: draft.userID), \(bind: draft.sessionID), \(bind: draft.ip), \(bind: draft.policyVersion),
                    \(bind: details), \(bind: appended.previousHash), \(bind: appended.hash))
                """).run()
            try await database.raw("UPDATE audit_head SET hash = \(bind: appended.hash) WHERE id = 1").run()
            return appended
        }
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
