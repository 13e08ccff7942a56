import SQLKit
import StepUpCore

extension Migration {
    /// The first schema: every store. Times are `DOUBLE PRECISION` seconds since 1970; structured values
    /// (roles, parameters, requirement, events, details) are JSON text.
    static let v1 = Migration(version: 1, summary: "initial schema") { _ in
        let blob = SQLDataType.blob
        let time = SQLRaw("DOUBLE PRECISION")
        return [
            """
            CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                roles TEXT NOT NULL, disabled BOOLEAN NOT NULL, created_at \(time) NOT NULL, password_hash TEXT)
            """,
            """
            CREATE TABLE factors (id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                kind TEXT NOT NULL, label TEXT NOT NULL, status TEXT NOT NULL, created_at \(time) NOT NULL,
                last_used_at \(time), last_accepted_step BIGINT, parameters TEXT NOT NULL, sealed_secret \(blob))
            """,
            "CREATE INDEX factors_user ON factors (user_id, created_at)",
            """
            CREATE TABLE recovery_codes (id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                hash TEXT NOT NULL, created_at \(time) NOT NULL, used_at \(time))
            """,
            "CREATE INDEX recovery_codes_user ON recovery_codes (user_id)",
            """
            CREATE TABLE sessions (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                created_at \(time) NOT NULL, last_seen_at \(time) NOT NULL, expires_at \(time) NOT NULL,
                revoked_at \(time), device_id TEXT, ip TEXT, user_agent TEXT)
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE session_events (session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                id TEXT NOT NULL, ordinal BIGINT NOT NULL, occurred_at \(time) NOT NULL, event TEXT NOT NULL,
                PRIMARY KEY (session_id, id))
            """,
            """
            CREATE TABLE challenges (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, session_id TEXT NOT NULL,
                action TEXT NOT NULL, requirement TEXT NOT NULL, binding_hash TEXT, display TEXT NOT NULL,
                created_at \(time) NOT NULL, expires_at \(time) NOT NULL, attempts_left BIGINT NOT NULL,
                status TEXT NOT NULL, satisfied_at \(time), consumed_at \(time), policy_version TEXT NOT NULL)
            """,
            """
            CREATE TABLE devices (user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                device_id TEXT NOT NULL, label TEXT NOT NULL, first_seen \(time) NOT NULL,
                last_seen \(time) NOT NULL, trusted_until \(time), revoked BOOLEAN NOT NULL,
                PRIMARY KEY (user_id, device_id))
            """,
            """
            CREATE TABLE audit_events (sequence BIGINT PRIMARY KEY, type TEXT NOT NULL, occurred_at \(time) NOT NULL,
                user_id TEXT, session_id TEXT, ip TEXT, policy_version TEXT, details TEXT NOT NULL,
                previous_hash TEXT NOT NULL, hash TEXT NOT NULL)
            """,
            // The chain head: appends lock this one row first, which serializes them across processes.
            "CREATE TABLE audit_head (id INTEGER PRIMARY KEY, sequence BIGINT NOT NULL, hash TEXT NOT NULL)",
            "INSERT INTO audit_head (id, sequence, hash) VALUES (1, 0, \(bind: AuditChain.genesisHash))",
            "CREATE TABLE throttle_failures (throttle_key TEXT NOT NULL, failed_at \(time) NOT NULL)",
            "CREATE INDEX throttle_failures_key_time ON throttle_failures (throttle_key, failed_at)",
            "CREATE INDEX throttle_failures_time ON throttle_failures (failed_at)",
            "CREATE TABLE risk_history (user_id TEXT PRIMARY KEY, data \(blob) NOT NULL)",
            """
            CREATE TABLE address_rules (cidr TEXT PRIMARY KEY, verdict TEXT NOT NULL, note TEXT NOT NULL,
                created_at \(time) NOT NULL)
            """,
        ]
    }
}
