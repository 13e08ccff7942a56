import Foundation
import SQLKit
import StepUpCore

/// Sessions in `sessions`, their authentication events as JSON in the child table `session_events`
/// (so appending one is an `INSERT`, never a read-modify-write of the session row).
extension SQLStore: SessionStore {
    /// The session row is inserted by the transaction's first statement (taking the write lock up front), and
    /// only when its user exists and neither its id nor its token hash is taken.
    public func createSession(_ session: Session, tokenHash: String) async throws {
        try await transaction { database in
            let inserted = try await database.raw("""
                INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at,
                    device_id, ip, user_agent, pending_challenge)
                SELECT \(bind: session.id), \(bind: tokenHash), \(bind: session.userID),
                    \(bind: session.createdAt.sqlSeconds), \(bind: session.lastSeenAt.sqlSeconds),
                    \(bind: session.expiresAt.sqlSeconds), \(bind: session.revokedAt?.sqlSeconds),
                    \(bind: session.deviceID), \(bind: session.ip), \(bind: session.userAgent),
                    \(bind: session.pendingChallengeID)
                WHERE EXISTS (SELECT 1 FROM users WHERE id = \(bind: session.userID))
                ON CONFLICT DO NOTHING
                RETURNING id
                """).all()
            if inserted.isEmpty {
                try await requireUser(session.userID, in: database)
                throw StoreError.conflict("session \(session.id)")
            }
            for (ordinal, event) in session.events.enumerated() {
                try await database.raw("""
                    INSERT INTO session_events (session_id, id, ordinal, occurred_at, event)
                    VALUES (\(bind: session.id), \(bind: event.id), \(bind: ordinal), \(bind: event.at.sqlSeconds),
                        \(bind: try jsonText(event)))
                    """).run()
            }
        }
    }

    public func session(tokenHash: String) async throws -> Session? {
        try await withDatabase { database in
            guard let row = try await database.raw("SELECT * FROM sessions WHERE token_hash = \(bind: tokenHash)")
                .first() else { return nil }
            return try await Self.session(row, in: database)
        }
    }

    public func session(id: String) async throws -> Session? {
        try await withDatabase { database in
            guard let row = try await database.raw("SELECT * FROM sessions WHERE id = \(bind: id)").first() else {
                return nil
            }
            return try await Self.session(row, in: database)
        }
    }

    /// One `INSERT … SELECT`: appends after the session's last event, or inserts nothing if there is no session
    /// (``StoreError/notFound(_:)``) or the event id is already there (``StoreError/conflict(_:)``).
    public func appendEvent(sessionID: String, _ event: AuthenticationEvent) async throws {
        let text = try jsonText(event)
        try await withDatabase(.write) { database in
            let rows = try await database.raw("""
                INSERT INTO session_events (session_id, id, ordinal, occurred_at, event)
                SELECT id, \(bind: event.id),
                    (SELECT COALESCE(MAX(ordinal), -1) + 1 FROM session_events WHERE session_id = \(bind: sessionID)),
                    \(bind: event.at.sqlSeconds), \(bind: text)
                FROM sessions WHERE id = \(bind: sessionID)
                ON CONFLICT (session_id, id) DO NOTHING
                RETURNING id
                """).all()
            guard rows.isEmpty else { return }
            if try await database.raw("SELECT id FROM sessions WHERE id = \(bind: sessionID)").first() == nil {
                throw StoreError.notFound("session \(sessionID)")
            }
            throw StoreError.conflict("event \(event.id)")
        }
    }

    public func touchSession(id: String, at: Date) async throws {
        try await updateSession(id, "UPDATE sessions SET last_seen_at = \(bind: at.sqlSeconds) WHERE id = \(bind: id)")
    }

    /// Keeps the first revocation time.
    public func revokeSession(id: String, at: Date) async throws {
        try await updateSession(id, """
            UPDATE sessions SET revoked_at = COALESCE(revoked_at, \(bind: at.sqlSeconds)) WHERE id = \(bind: id)
            """)
    }

    public func replaceSessionToken(id: String, newTokenHash: String) async throws {
        try await updateSession(id, """
            UPDATE sessions SET token_hash = \(bind: newTokenHash) WHERE id = \(bind: id)
            """)
    }

    public func activateSession(id: String, challengeID: String) async throws -> Bool {
        try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE sessions SET pending_challenge = NULL
                WHERE id = \(bind: id) AND pending_challenge = \(bind: challengeID)
                RETURNING id
                """).all().isEmpty == false
        }
    }

    private func updateSession(_ id: String, _ update: SQLQueryString) async throws {
        var statement = update
        statement.appendLiteral(" RETURNING id")
        let rows = try await withDatabase(.write) { database in try await database.raw(statement).all() }
        if rows.isEmpty { throw StoreError.notFound("session \(id)") }
    }

    static func session(_ row: any SQLRow, in database: any SQLDatabase) async throws -> Session {
        let id = try row.string("id")
        let events = try await database.raw("""
            SELECT event FROM session_events WHERE session_id = \(bind: id) ORDER BY ordinal, occurred_at, id
            """).all().map { try $0.json("event", as: AuthenticationEvent.self) }
        return Session(
            id: id, userID: try row.string("user_id"), createdAt: try row.date("created_at"),
            lastSeenAt: try row.date("last_seen_at"), expiresAt: try row.date("expires_at"),
            revokedAt: try row.optionalDate("revoked_at"), deviceID: try row.optionalString("device_id"),
            ip: try row.optionalString("ip"), userAgent: try row.optionalString("user_agent"), events: events,
            pendingChallengeID: try row.optionalString("pending_challenge"))
    }
}
