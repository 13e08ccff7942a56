import Foundation
import SQLKit
import StepUpCore

/// Copies every row of one StepUp database into another, empty one (SQLite into PostgreSQL when a deployment
/// moves up): users, factors, recovery codes, sessions and their events, challenges, devices, the audit chain
/// and its head, throttles, budgets, risk history, address rules and tallies.
///
/// The source is read in one transaction (a consistent snapshot, while its server keeps running); the target is
/// written in one transaction, so a failed copy leaves it empty. Afterwards the target's audit chain is verified.
public enum StoreCopy {
    /// What `copy` did.
    public struct Report: Sendable {
        public var rows: [(table: String, count: Int)] = []
        public var chain = AuditChainReport(checkedEvents: 0, firstBrokenSequence: nil, reason: nil)
    }

    enum Kind { case text, real, integer, boolean, blob }

    /// Parents before children; columns with their stored kinds; the columns that order a table's rows.
    static let tables: [(name: String, columns: [(String, Kind)], order: String)] = [
        ("users", [("id", .text), ("username", .text), ("display_name", .text), ("roles", .text),
                   ("disabled", .boolean), ("created_at", .real), ("password_hash", .text)], "id"),
        ("factors", [("id", .text), ("user_id", .text), ("kind", .text), ("label", .text), ("status", .text),
                     ("created_at", .real), ("last_used_at", .real), ("last_accepted_step", .integer),
                     ("parameters", .text), ("sealed_secret", .blob)], "id"),
        ("recovery_codes", [("id", .text), ("user_id", .text), ("hash", .text), ("created_at", .real),
                            ("used_at", .real)], "id"),
        ("sessions", [("id", .text), ("token_hash", .text), ("user_id", .text), ("created_at", .real),
                      ("last_seen_at", .real), ("expires_at", .real), ("revoked_at", .real), ("device_id", .text),
                      ("ip", .text), ("user_agent", .text), ("pending_challenge", .text)], "id"),
        ("session_events", [("session_id", .text), ("id", .text), ("ordinal", .integer), ("occurred_at", .real),
                            ("event", .text)], "session_id, id"),
        ("challenges", [("id", .text), ("user_id", .text), ("session_id", .text), ("action", .text),
                        ("requirement", .text), ("binding_hash", .text), ("display", .text), ("created_at", .real),
                        ("expires_at", .real), ("attempts_left", .integer), ("status", .text),
                        ("satisfied_at", .real), ("consumed_at", .real), ("policy_version", .text),
                        ("proof", .text)], "id"),
        ("devices", [("user_id", .text), ("device_id", .text), ("label", .text), ("first_seen", .real),
                     ("last_seen", .real), ("trusted_until", .real), ("revoked", .boolean)], "user_id, device_id"),
        ("audit_events", [("sequence", .integer), ("type", .text), ("occurred_at", .real), ("user_id", .text),
                          ("session_id", .text), ("ip", .text), ("policy_version", .text), ("details", .text),
                          ("previous_hash", .text), ("hash", .text)], "sequence"),
        ("throttle_failures", [("throttle_key", .text), ("failed_at", .real)], "throttle_key, failed_at"),
        ("budget_units", [("budget_key", .text), ("spent_at", .real), ("id", .text)], "id"),
        ("risk_history", [("user_id", .text), ("data", .blob)], "user_id"),
        ("address_rules", [("cidr", .text), ("verdict", .text), ("note", .text), ("created_at", .real)], "cidr"),
        ("audit_tallies", [("minute", .integer), ("event_type", .text), ("rule", .text), ("count", .integer)],
         "minute, event_type, rule"),
    ]

    /// Rows per `INSERT` (PostgreSQL takes at most 65,535 parameters per statement).
    static let page = 500

    /// Copies `source` into `target`; throws if the target already holds users, sessions or audit events.
    /// - Parameter progress: called after every page with the table, rows copied so far and the table's total.
    public static func copy(from source: SQLStore, to target: SQLStore,
                            progress: @Sendable (_ table: String, _ done: Int, _ total: Int) -> Void = { _, _, _ in })
        async throws -> Report
    {
        var report = Report()
        try await target.transaction { writer in
            try await refuseNonEmpty(writer)
            try await source.withRawDatabase { reader in
                // One read transaction: every table from the same snapshot.
                try await reader.raw("BEGIN").run()
                do {
                    for table in tables {
                        let copied = try await copy(table, from: reader, to: writer, progress: progress)
                        report.rows.append((table.name, copied))
                    }
                    let head = try await reader.raw("SELECT sequence, hash FROM audit_head WHERE id = 1").first()
                    if let head {
                        try await writer.raw("""
                            UPDATE audit_head SET sequence = \(bind: try head.int64("sequence")),
                                hash = \(bind: try head.string("hash")) WHERE id = 1
                            """).run()
                    }
                    try await reader.raw("COMMIT").run()
                } catch {
                    try? await reader.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
        report.chain = try await target.verifyAuditChain(pageSize: 5_000)
        return report
    }

    private static func refuseNonEmpty(_ database: any SQLDatabase) async throws {
        for table in ["users", "sessions", "audit_events", "challenges", "address_rules"] {
            if try await database.raw("SELECT 1 AS found FROM \(ident: table) LIMIT 1").first() != nil {
                throw StoreError.backend("the target database is not empty (table \(table) has rows); "
                    + "copy only into a new, empty database")
            }
        }
    }

    private static func copy(_ table: (name: String, columns: [(String, Kind)], order: String),
                             from reader: any SQLDatabase, to writer: any SQLDatabase,
                             progress: (String, Int, Int) -> Void) async throws -> Int {
        let total = Int(try await reader.raw("SELECT COUNT(*) AS n FROM \(ident: table.name)").first()?.int64("n") ?? 0)
        let names = table.columns.map(\.0).joined(separator: ", ")
        var done = 0
        progress(table.name, 0, total)
        while true {
            let rows = try await reader.raw("""
                SELECT \(unsafeRaw: names) FROM \(ident: table.name) ORDER BY \(unsafeRaw: table.order)
                LIMIT \(unsafeRaw: String(page)) OFFSET \(unsafeRaw: String(done))
                """).all()
            if rows.isEmpty { break }
            var insert = SQLQueryString("INSERT INTO \(unsafeRaw: table.name) (\(unsafeRaw: names)) VALUES ")
            for (index, row) in rows.enumerated() {
                insert.appendLiteral(index == 0 ? "(" : ", (")
                for (position, (column, kind)) in table.columns.enumerated() {
                    if position > 0 { insert.appendLiteral(", ") }
                    insert.appendInterpolation(bind: try value(row, column, kind))
                }
                insert.appendLiteral(")")
            }
            try await writer.raw(insert).run()
            done += rows.count
            progress(table.name, done, max(total, done))
            if rows.count < page { break }
        }
        return done
    }

    /// One column as a typed bind (typed even when NULL, so PostgreSQL never has to guess).
    private static func value(_ row: any SQLRow, _ column: String, _ kind: Kind) throws -> any Encodable & Sendable {
        let null = try row.decodeNil(column: column)
        switch kind {
        case .text: return null ? String?.none : try row.string(column)
        case .real: return null ? Double?.none : try row.decode(column: column, as: Double.self)
        case .integer: return null ? Int64?.none : try row.int64(column)
        case .boolean: return null ? Bool?.none : try row.bool(column)
        case .blob: return null ? Data?.none : try row.data(column)
        }
    }
}
