import SQLKit
import StepUpCore

extension Migration {
    /// The change feed that keeps every process's read caches coherent, and counted audit events.
    ///
    /// `cache_epoch` holds one version number; every change to a cached table bumps it and logs what changed
    /// (`cache_changes`), in the same transaction, by trigger — so no code path (the CLI, raw SQL, another
    /// process) can change a cached row without the caches hearing of it. Bumping the one row also orders the
    /// changes by commit: a reader that saw version N has seen every change up to N. The log keeps the last
    /// 10,000 changes; a reader further behind drops its whole cache.
    static let v3 = Migration(version: 3, summary: "cache change feed and audit tallies") { dialect in
        var statements: [SQLQueryString] = [
            "CREATE TABLE cache_epoch (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
            "INSERT INTO cache_epoch (id, version) VALUES (1, 0)",
            """
            CREATE TABLE cache_changes (version \(unsafeRaw: dialect.name == "sqlite" ? "INTEGER" : "BIGINT") PRIMARY KEY,
                entity TEXT NOT NULL, entity_key TEXT NOT NULL)
            """,
            """
            CREATE TABLE audit_tallies (minute BIGINT NOT NULL, event_type TEXT NOT NULL, rule TEXT NOT NULL,
                count BIGINT NOT NULL, PRIMARY KEY (minute, event_type, rule))
            """,
        ]
        // (table, events, entity, key expression); OLD/NEW as the event allows.
        let feeds: [(table: String, event: String, entity: String, key: String)] = [
            ("sessions", "UPDATE", "session", "OLD.id"),
            ("sessions", "DELETE", "session", "OLD.id"),
            ("session_events", "INSERT", "session", "NEW.session_id"),
            ("session_events", "DELETE", "session", "OLD.session_id"),
            ("users", "UPDATE", "user", "OLD.id"),
            ("users", "DELETE", "user", "OLD.id"),
            ("devices", "INSERT", "device", "NEW.user_id"),
            ("devices", "UPDATE", "device", "OLD.user_id"),
            ("devices", "DELETE", "device", "OLD.user_id"),
            ("risk_history", "INSERT", "risk", "NEW.user_id"),
            ("risk_history", "UPDATE", "risk", "OLD.user_id"),
            ("risk_history", "DELETE", "risk", "OLD.user_id"),
            ("address_rules", "INSERT", "address", "'*'"),
            ("address_rules", "UPDATE", "address", "'*'"),
            ("address_rules", "DELETE", "address", "'*'"),
            // Deletes of failures are recorded by clearFailures itself: pruning expired rows changes no count.
            ("throttle_failures", "INSERT", "throttle", "NEW.throttle_key"),
            ("factors", "INSERT", "factors", "NEW.user_id"),
            ("factors", "UPDATE", "factors", "OLD.user_id"),
            ("factors", "DELETE", "factors", "OLD.user_id"),
            ("recovery_codes", "INSERT", "factors", "NEW.user_id"),
            ("recovery_codes", "UPDATE", "factors", "OLD.user_id"),
            ("recovery_codes", "DELETE", "factors", "OLD.user_id"),
        ]
        for feed in feeds {
            let name = "\(feed.table)_\(feed.event.lowercased())_feed"
            let body = CacheFeedSQL.record(entity: "'\(feed.entity)'", key: feed.key)
            if dialect.name == "postgresql" {
                // PostgreSQL runs a trigger's statements in a function.
                statements.append(SQLQueryString("""
                    CREATE FUNCTION \(unsafeRaw: name)() RETURNS trigger LANGUAGE plpgsql AS $feed$
                    BEGIN
                    \(unsafeRaw: body)
                    RETURN NULL;
                    END $feed$
                    """))
                statements.append(SQLQueryString("""
                    CREATE TRIGGER \(unsafeRaw: name) AFTER \(unsafeRaw: feed.event) ON \(unsafeRaw: feed.table)
                    FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: name)()
                    """))
                continue
            }
            statements.append(SQLQueryString("""
                CREATE TRIGGER \(unsafeRaw: name)
                AFTER \(unsafeRaw: feed.event) ON \(unsafeRaw: feed.table) FOR EACH ROW BEGIN
                \(unsafeRaw: body)
                END
                """))
        }
        return statements
    }
}

/// The statements that record one change in the feed (inside a trigger or a transaction).
enum CacheFeedSQL {
    static let retained = 10_000

    /// For a trigger body: `entity` and `key` are SQL expressions.
    static func record(entity: String, key: String) -> String {
        statements(entity: entity, key: key).map { $0 + ";" }.joined(separator: "\n")
    }

    /// One statement each, for drivers that run one statement per call.
    static func statements(entity: String, key: String) -> [String] {
        [
            "UPDATE cache_epoch SET version = version + 1 WHERE id = 1",
            """
            INSERT INTO cache_changes (version, entity, entity_key)
                SELECT version, \(entity), \(key) FROM cache_epoch WHERE id = 1
            """,
            "DELETE FROM cache_changes WHERE version = (SELECT version - \(retained) FROM cache_epoch WHERE id = 1)",
        ]
    }
}
