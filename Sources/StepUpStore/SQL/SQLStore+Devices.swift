import Foundation
import SQLKit
import StepUpCore

extension SQLStore: DeviceStore {
    public func device(userID: String, deviceID: String) async throws -> DeviceRecord? {
        try await withDatabase { database in
            try await database.raw("""
                SELECT * FROM devices WHERE user_id = \(bind: userID) AND device_id = \(bind: deviceID)
                """).first().map(Self.device)
        }
    }

    /// One upsert: the first sighting inserts, later ones only move `last_seen`.
    @discardableResult
    public func recordDeviceSeen(userID: String, deviceID: String, label: String, at: Date) async throws
        -> DeviceRecord
    {
        try await withDatabase(.write) { database in
            try await requireUser(userID, in: database)
            let rows = try await database.raw("""
                INSERT INTO devices (user_id, device_id, label, first_seen, last_seen, trusted_until, revoked)
                VALUES (\(bind: userID), \(bind: deviceID), \(bind: label), \(bind: at.sqlSeconds),
                    \(bind: at.sqlSeconds), NULL, \(bind: false))
                ON CONFLICT (user_id, device_id)
                    DO UPDATE SET last_seen = excluded.last_seen, revoked = excluded.revoked
                RETURNING *
                """).all()
            guard let row = rows.first else { throw StoreError.backend("device upsert returned no row") }
            return try Self.device(row)
        }
    }

    public func trustDevice(userID: String, deviceID: String, until: Date) async throws {
        try await updateDevice(userID, deviceID, """
            UPDATE devices SET trusted_until = \(bind: until.sqlSeconds), revoked = \(bind: false)
            WHERE user_id = \(bind: userID) AND device_id = \(bind: deviceID)
            """)
    }

    /// Revoking also ends any trust.
    public func revokeDevice(userID: String, deviceID: String) async throws {
        try await updateDevice(userID, deviceID, """
            UPDATE devices SET revoked = \(bind: true), trusted_until = NULL
            WHERE user_id = \(bind: userID) AND device_id = \(bind: deviceID)
            """)
    }

    public func devices(userID: String) async throws -> [DeviceRecord] {
        try await withDatabase { database in
            try await database.raw("""
                SELECT * FROM devices WHERE user_id = \(bind: userID) ORDER BY first_seen, device_id
                """).all().map(Self.device)
        }
    }

    private func updateDevice(_ userID: String, _ deviceID: String, _ update: SQLQueryString) async throws {
        var statement = update
        statement.appendLiteral(" RETURNING device_id")
        let rows = try await withDatabase(.write) { database in try await database.raw(statement).all() }
        if rows.isEmpty { throw StoreError.notFound("device \(deviceID)") }
    }

    static func device(_ row: any SQLRow) throws -> DeviceRecord {
        DeviceRecord(userID: try row.string("user_id"), deviceID: try row.string("device_id"),
                     label: try row.string("label"), firstSeen: try row.date("first_seen"),
                     lastSeen: try row.date("last_seen"), trustedUntil: try row.optionalDate("trusted_until"),
                     revoked: try row.bool("revoked"))
    }
}
