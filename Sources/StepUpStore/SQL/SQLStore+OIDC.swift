import Foundation
import SQLKit
import StepUpCore

/// OpenID Provider records; single use is `DELETE … RETURNING`, rotation a conditional `UPDATE … RETURNING`.
extension SQLStore: OIDCRecordStore {
    public func putOIDCRecord(_ record: OIDCRecord) async throws {
        try await withDatabase(.write) { database in
            try await database.raw("""
                INSERT INTO oidc_records (kind, id, secret_hash, session_id, body, expires_at, revoked_at)
                VALUES (\(bind: record.kind), \(bind: record.id), \(bind: record.secretHash), \(bind: record.sessionID),
                    \(bind: record.body), \(bind: record.expiresAt?.sqlSeconds), \(bind: record.revokedAt?.sqlSeconds))
                ON CONFLICT (kind, id) DO UPDATE SET secret_hash = excluded.secret_hash,
                    session_id = excluded.session_id, body = excluded.body, expires_at = excluded.expires_at,
                    revoked_at = excluded.revoked_at
                """).run()
        }
    }

    public func oidcRecord(kind: String, id: String) async throws -> OIDCRecord? {
        try await withDatabase { database in
            try await database.raw("SELECT * FROM oidc_records WHERE kind = \(bind: kind) AND id = \(bind: id)")
                .first().map(Self.oidcRecord)
        }
    }

    public func oidcRecords(kind: String) async throws -> [OIDCRecord] {
        try await withDatabase { database in
            try await database.raw("SELECT * FROM oidc_records WHERE kind = \(bind: kind) ORDER BY id")
                .all().map(Self.oidcRecord)
        }
    }

    public func removeOIDCRecord(kind: String, id: String) async throws -> Bool {
        try await withDatabase(.write) { database in
            try await database.raw("DELETE FROM oidc_records WHERE kind = \(bind: kind) AND id = \(bind: id) RETURNING id")
                .all().isEmpty == false
        }
    }

    public func takeOIDCRecord(kind: String, id: String, at: Date) async throws -> OIDCRecord? {
        // One statement: of N racing redemptions exactly one gets the row back.
        try await withDatabase(.write) { database in
            try await database.raw("""
                DELETE FROM oidc_records WHERE kind = \(bind: kind) AND id = \(bind: id) AND revoked_at IS NULL
                    AND (expires_at IS NULL OR expires_at > \(bind: at.sqlSeconds))
                RETURNING *
                """).all().first.map(Self.oidcRecord)
        }
    }

    public func swapOIDCRecord(kind: String, id: String, expectedSecretHash: String, newSecretHash: String,
                               body: String, at: Date) async throws -> Bool {
        try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE oidc_records SET secret_hash = \(bind: newSecretHash), body = \(bind: body)
                WHERE kind = \(bind: kind) AND id = \(bind: id) AND secret_hash = \(bind: expectedSecretHash)
                    AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(bind: at.sqlSeconds))
                RETURNING id
                """).all().isEmpty == false
        }
    }

    public func revokeOIDCRecords(kind: String, id: String?, sessionID: String?, at: Date) async throws -> Int {
        // Two statements rather than `? IS NULL` tests: PostgreSQL cannot type an untyped NULL parameter.
        let seconds = at.sqlSeconds
        return try await withDatabase(.write) { database in
            if let id {
                return try await database.raw("""
                    UPDATE oidc_records SET revoked_at = \(bind: seconds)
                    WHERE kind = \(bind: kind) AND id = \(bind: id) AND revoked_at IS NULL RETURNING id
                    """).all().count
            }
            guard let sessionID else { return 0 }
            return try await database.raw("""
                UPDATE oidc_records SET revoked_at = \(bind: seconds)
                WHERE kind = \(bind: kind) AND session_id = \(bind: sessionID) AND revoked_at IS NULL RETURNING id
                """).all().count
        }
    }

    static func oidcRecord(_ row: any SQLRow) throws -> OIDCRecord {
        OIDCRecord(kind: try row.string("kind"), id: try row.string("id"), secretHash: try row.optionalString("secret_hash"),
                   sessionID: try row.optionalString("session_id"), body: try row.string("body"),
                   expiresAt: try row.optionalDate("expires_at"), revokedAt: try row.optionalDate("revoked_at"))
    }
}
