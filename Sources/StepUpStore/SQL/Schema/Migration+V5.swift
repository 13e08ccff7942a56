import SQLKit
import StepUpCore

extension Migration {
    /// Out-of-band factors: one-time codes bound to their scope, and the durable outbox of messages to send.
    static let v5 = Migration(version: 5, summary: "one-time codes and the outbox") { _ in
        let blob = SQLDataType.blob
        let time = SQLRaw("DOUBLE PRECISION")
        return [
            """
            CREATE TABLE one_time_codes (id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                factor_id TEXT NOT NULL, scope TEXT NOT NULL, sealed_code \(blob) NOT NULL,
                created_at \(time) NOT NULL, expires_at \(time) NOT NULL, used_at \(time))
            """,
            "CREATE INDEX one_time_codes_scope ON one_time_codes (scope, expires_at)",
            """
            CREATE TABLE outbox (id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, channel TEXT NOT NULL,
                sealed_payload \(blob) NOT NULL, status TEXT NOT NULL, attempts BIGINT NOT NULL,
                next_attempt_at \(time) NOT NULL, last_error TEXT, created_at \(time) NOT NULL, sent_at \(time))
            """,
            "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
        ]
    }
}
