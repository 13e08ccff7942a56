import SQLKit

extension Migration {
    /// SQLite only: `audit_events` keyed by its sequence as the table's own row id.
    ///
    /// Declared `BIGINT PRIMARY KEY`, SQLite kept the rows in one b-tree and a separate unique index on `sequence`
    /// in another, so every appended event wrote both (about a third of a group commit's WAL pages). Declared
    /// `INTEGER PRIMARY KEY`, the sequence *is* the row id: one b-tree, the same order, the same values. The rows are
    /// copied over inside the migration's transaction (a large audit log makes this start take a few seconds once).
    /// PostgreSQL's `BIGINT PRIMARY KEY` is its clustered-enough primary key already, so nothing changes there.
    static let v6 = Migration(version: 6, summary: "audit events keyed by their sequence") { dialect in
        guard dialect.name == "sqlite" else { return [] }
        let columns = "sequence, type, occurred_at, user_id, session_id, ip, policy_version, details, previous_hash, hash"
        return [
            """
            CREATE TABLE audit_events_v6 (sequence INTEGER PRIMARY KEY, type TEXT NOT NULL,
                occurred_at DOUBLE PRECISION NOT NULL, user_id TEXT, session_id TEXT, ip TEXT, policy_version TEXT,
                details TEXT NOT NULL, previous_hash TEXT NOT NULL, hash TEXT NOT NULL)
            """,
            "INSERT INTO audit_events_v6 (\(unsafeRaw: columns)) SELECT \(unsafeRaw: columns) FROM audit_events ORDER BY sequence",
            "DROP TABLE audit_events",
            "ALTER TABLE audit_events_v6 RENAME TO audit_events",
        ]
    }
}
