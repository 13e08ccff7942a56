import SQLKit
import StepUpCore

extension Migration {
    /// The OpenID Provider's records (issue #12): clients, codes, refresh families, signing keys, pending requests.
    static let v4 = Migration(version: 4, summary: "OpenID Provider records") { _ in
        let time = SQLRaw("DOUBLE PRECISION")
        return [
            """
            CREATE TABLE oidc_records (kind TEXT NOT NULL, id TEXT NOT NULL, secret_hash TEXT, session_id TEXT,
                body TEXT NOT NULL, expires_at \(time), revoked_at \(time), PRIMARY KEY (kind, id))
            """,
            "CREATE INDEX oidc_records_session ON oidc_records (kind, session_id)",
        ]
    }
}
