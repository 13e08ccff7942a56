import Foundation
import SQLKit
import StepUpCore

/// Single use and claiming are one conditional `UPDATE … WHERE <state> RETURNING` each: racing submissions of one
/// code cannot both consume it, and two instances cannot both take one message.
extension SQLStore: OneTimeCodeStore {
    public func addCode(_ code: OneTimeCodeRecord) async throws {
        try await withDatabase(.write) { database in
            try await database.raw("""
                INSERT INTO one_time_codes (id, user_id, factor_id, scope, sealed_code, created_at, expires_at)
                VALUES (\(bind: code.id), \(bind: code.userID), \(bind: code.factorID), \(bind: code.scope),
                    \(bind: code.sealedCode), \(bind: code.createdAt.sqlSeconds), \(bind: code.expiresAt.sqlSeconds))
                """).run()
        }
    }

    public func openCodes(scope: String, at: Date) async throws -> [OneTimeCodeRecord] {
        try await withDatabase { database in
            try await database.raw("""
                SELECT * FROM one_time_codes WHERE scope = \(bind: scope) AND used_at IS NULL
                    AND expires_at > \(bind: at.sqlSeconds) ORDER BY created_at DESC, id DESC
                """).all().map(Self.code)
        }
    }

    public func consumeCode(id: String, at: Date) async throws -> Bool {
        try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE one_time_codes SET used_at = \(bind: at.sqlSeconds)
                WHERE id = \(bind: id) AND used_at IS NULL AND expires_at > \(bind: at.sqlSeconds)
                RETURNING id
                """).all().isEmpty == false
        }
    }

    static func code(_ row: any SQLRow) throws -> OneTimeCodeRecord {
        OneTimeCodeRecord(id: try row.string("id"), userID: try row.string("user_id"),
                          factorID: try row.string("factor_id"), scope: try row.string("scope"),
                          sealedCode: try row.data("sealed_code"), createdAt: try row.date("created_at"),
                          expiresAt: try row.date("expires_at"), usedAt: try row.optionalDate("used_at"))
    }
}

extension SQLStore: OutboxStore {
    public func enqueue(_ message: OutboxMessage) async throws -> Bool {
        try await withDatabase(.write) { database in
            try await database.raw("""
                INSERT INTO outbox (id, idempotency_key, channel, sealed_payload, status, attempts, next_attempt_at,
                    last_error, created_at, sent_at)
                VALUES (\(bind: message.id), \(bind: message.idempotencyKey), \(bind: message.channel),
                    \(bind: message.sealedPayload), \(bind: message.status.rawValue), \(bind: Int64(message.attempts)),
                    \(bind: message.nextAttemptAt.sqlSeconds), \(bind: message.lastError),
                    \(bind: message.createdAt.sqlSeconds), \(bind: message.sentAt?.sqlSeconds))
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id
                """).all().isEmpty == false
        }
    }

    public func claimDue(at: Date, lease: TimeInterval, limit: Int) async throws -> [OutboxMessage] {
        try await withDatabase(.write) { database in
            // The status and time are checked again in the outer WHERE: under PostgreSQL's read committed a row
            // another instance claimed meanwhile is re-evaluated and skipped. On PostgreSQL the candidates are
            // also locked, skipping rows a concurrent claim holds: racing senders take disjoint messages instead
            // of picking the same first few and all but one coming back empty. (SQLite runs one writer at a time.)
            let skipLocked: SQLQueryString = isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
            return try await database.raw("""
                UPDATE outbox SET attempts = attempts + 1,
                    next_attempt_at = \(bind: at.addingTimeInterval(lease).sqlSeconds)
                WHERE id IN (SELECT id FROM outbox WHERE status = 'pending'
                        AND next_attempt_at <= \(bind: at.sqlSeconds)
                        ORDER BY next_attempt_at, id LIMIT \(bind: Int64(limit))\(skipLocked))
                    AND status = 'pending' AND next_attempt_at <= \(bind: at.sqlSeconds)
                RETURNING *
                """).all().map(Self.outboxMessage)
        }
    }

    public func markSent(id: String, at: Date) async throws {
        try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE outbox SET status = 'sent', sent_at = \(bind: at.sqlSeconds), last_error = NULL
                WHERE id = \(bind: id)
                """).run()
        }
    }

    public func markFailed(id: String, error: String, retryAt: Date?) async throws {
        try await withDatabase(.write) { database in
            if let retryAt {
                try await database.raw("""
                    UPDATE outbox SET last_error = \(bind: error), next_attempt_at = \(bind: retryAt.sqlSeconds)
                    WHERE id = \(bind: id) AND status = 'pending'
                    """).run()
            } else {
                try await database.raw("""
                    UPDATE outbox SET last_error = \(bind: error), status = 'failed'
                    WHERE id = \(bind: id) AND status = 'pending'
                    """).run()
            }
        }
    }

    public func outboxMessages(status: OutboxMessage.Status?, limit: Int) async throws -> [OutboxMessage] {
        try await withDatabase { database in
            if let status {
                return try await database.raw("""
                    SELECT * FROM outbox WHERE status = \(bind: status.rawValue)
                    ORDER BY created_at DESC, id DESC LIMIT \(bind: Int64(limit))
                    """).all().map(Self.outboxMessage)
            }
            return try await database.raw("""
                SELECT * FROM outbox ORDER BY created_at DESC, id DESC LIMIT \(bind: Int64(limit))
                """).all().map(Self.outboxMessage)
        }
    }

    public func retryFailed(id: String?, at: Date) async throws -> Int {
        try await withDatabase(.write) { database in
            if let id {
                return try await database.raw("""
                    UPDATE outbox SET status = 'pending', next_attempt_at = \(bind: at.sqlSeconds)
                    WHERE status = 'failed' AND id = \(bind: id) RETURNING id
                    """).all().count
            }
            return try await database.raw("""
                UPDATE outbox SET status = 'pending', next_attempt_at = \(bind: at.sqlSeconds)
                WHERE status = 'failed' RETURNING id
                """).all().count
        }
    }

    static func outboxMessage(_ row: any SQLRow) throws -> OutboxMessage {
        guard let status = OutboxMessage.Status(rawValue: try row.string("status")) else {
            throw StoreError.backend("outbox message has an unknown status")
        }
        return OutboxMessage(
            id: try row.string("id"), idempotencyKey: try row.string("idempotency_key"),
            channel: try row.string("channel"), sealedPayload: try row.data("sealed_payload"), status: status,
            attempts: Int(clamping: try row.int64("attempts")), nextAttemptAt: try row.date("next_attempt_at"),
            lastError: try row.optionalString("last_error"), createdAt: try row.date("created_at"),
            sentAt: try row.optionalDate("sent_at"))
    }
}
