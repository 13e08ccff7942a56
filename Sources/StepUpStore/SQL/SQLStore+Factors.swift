import Foundation
import SQLKit
import StepUpCore

extension SQLStore: FactorSecretStore {
    public func addFactor(_ factor: FactorRecord) async throws {
        let parameters = try jsonText(factor.parameters)
        try await withDatabase(.write) { database in
            try await requireUser(factor.userID, in: database)
            if try await database.raw("SELECT id FROM factors WHERE id = \(bind: factor.id)").first() != nil {
                throw StoreError.conflict("factor \(factor.id)")
            }
            try await database.raw("""
                INSERT INTO factors (id, user_id, kind, label, status, created_at, last_used_at, last_accepted_step,
                    parameters, sealed_secret)
                VALUES (\(bind: factor.id), \(bind: factor.userID), \(bind: factor.kind.rawValue),
                    \(bind: factor.label),
                    \(bind: factor.status.rawValue), \(bind: factor.createdAt.sqlSeconds),
                    \(bind: factor.lastUsedAt?.sqlSeconds), \(bind: factor.lastAcceptedStep), \(bind: parameters),
                    \(bind: factor.sealedSecret))
                """).run()
        }
    }

    public func factors(userID: String) async throws -> [FactorRecord] {
        try await withDatabase { database in
            try await database.raw("""
                SELECT id, user_id, kind, label, status, created_at, last_used_at, last_accepted_step, parameters
                FROM factors WHERE user_id = \(bind: userID) ORDER BY created_at, id
                """).all().map { try Self.factorRecord($0, withSecret: false) }
        }
    }

    public func factor(id: String) async throws -> FactorRecord? {
        try await withDatabase { database in
            try await database.raw("SELECT * FROM factors WHERE id = \(bind: id)").first()
                .map { try Self.factorRecord($0, withSecret: true) }
        }
    }

    public func activateFactor(id: String) async throws {
        let active = FactorRecord.Status.active.rawValue
        let rows = try await withDatabase(.write) { database in
            try await database.raw("UPDATE factors SET status = \(bind: active) WHERE id = \(bind: id) RETURNING id")
                .all()
        }
        if rows.isEmpty { throw StoreError.notFound("factor \(id)") }
    }

    public func removeFactor(id: String) async throws {
        let rows = try await withDatabase(.write) { database in
            try await database.raw("DELETE FROM factors WHERE id = \(bind: id) RETURNING id").all()
        }
        if rows.isEmpty { throw StoreError.notFound("factor \(id)") }
    }

    public func renameFactor(id: String, label: String) async throws {
        let rows = try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE factors SET label = \(bind: label) WHERE id = \(bind: id) RETURNING id
                """).all()
        }
        if rows.isEmpty { throw StoreError.notFound("factor \(id)") }
    }

    public func recordFactorUse(id: String, at: Date) async throws {
        let rows = try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE factors SET last_used_at = \(bind: at.sqlSeconds) WHERE id = \(bind: id) RETURNING id
                """).all()
        }
        if rows.isEmpty { throw StoreError.notFound("factor \(id)") }
    }

    /// One conditional `UPDATE`: of two racing verifications of the same code, exactly one matches the row.
    public func recordAcceptedStep(factorID: String, step: Int64, at: Date) async throws -> Bool {
        try await withDatabase(.write) { database in
            let rows = try await database.raw("""
                UPDATE factors SET last_accepted_step = \(bind: step), last_used_at = \(bind: at.sqlSeconds)
                WHERE id = \(bind: factorID) AND (last_accepted_step IS NULL OR last_accepted_step < \(bind: step))
                RETURNING id
                """).all()
            if !rows.isEmpty { return true }
            if try await database.raw("SELECT id FROM factors WHERE id = \(bind: factorID)").first() == nil {
                throw StoreError.notFound("factor \(factorID)")
            }
            return false
        }
    }

    static func factorRecord(_ row: any SQLRow, withSecret: Bool) throws -> FactorRecord {
        guard let status = FactorRecord.Status(rawValue: try row.string("status")) else {
            throw StoreError.backend("factor has an unknown status")
        }
        return FactorRecord(
            id: try row.string("id"), userID: try row.string("user_id"), kind: FactorKind(try row.string("kind")),
            label: try row.string("label"), status: status, createdAt: try row.date("created_at"),
            lastUsedAt: try row.optionalDate("last_used_at"),
            lastAcceptedStep: try row.optionalInt64("last_accepted_step"),
            parameters: try row.json("parameters", as: [String: String].self),
            sealedSecret: withSecret ? try row.optionalData("sealed_secret") : nil)
    }
}

extension SQLStore: RecoveryCodeStore {
    public func replaceRecoveryCodes(userID: String, with codes: [RecoveryCodeRecord]) async throws {
        try await transaction { database in
            try await database.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userID)").run()
            try await requireUser(userID, in: database)
            for code in codes {
                try await database.raw("""
                    INSERT INTO recovery_codes (id, user_id, hash, created_at, used_at)
                    VALUES (\(bind: code.id), \(bind: userID), \(bind: code.hash), \(bind: code.createdAt.sqlSeconds),
                        \(bind: code.usedAt?.sqlSeconds))
                    """).run()
            }
        }
    }

    public func unusedRecoveryCodes(userID: String) async throws -> [RecoveryCodeRecord] {
        try await withDatabase { database in
            try await database.raw("""
                SELECT * FROM recovery_codes WHERE user_id = \(bind: userID) AND used_at IS NULL ORDER BY created_at, id
                """).all().map { row in
                RecoveryCodeRecord(id: try row.string("id"), userID: try row.string("user_id"),
                                   hash: try row.string("hash"), createdAt: try row.date("created_at"),
                                   usedAt: try row.optionalDate("used_at"))
            }
        }
    }

    /// One conditional `UPDATE`: a code is spent by exactly one of any number of racing requests.
    public func consumeRecoveryCode(id: String, at: Date) async throws -> Bool {
        try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE recovery_codes SET used_at = \(bind: at.sqlSeconds) WHERE id = \(bind: id) AND used_at IS NULL
                RETURNING id
                """).all().isEmpty == false
        }
    }
}
