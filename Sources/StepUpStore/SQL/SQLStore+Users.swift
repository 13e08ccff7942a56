import Foundation
import SQLKit
import StepUpCore

extension SQLStore: CredentialStore {
    public func createUser(_ user: UserRecord, passwordHash: String?) async throws {
        let username = user.username.lowercased()
        let roles = try jsonText(user.roles)
        do {
            try await withDatabase(.write) { database in
                try await database.raw("""
                    INSERT INTO users (id, username, display_name, roles, disabled, created_at, password_hash)
                    VALUES (\(bind: user.id), \(bind: username), \(bind: user.displayName), \(bind: roles),
                        \(bind: user.disabled), \(bind: user.createdAt.sqlSeconds), \(bind: passwordHash))
                    """).run()
            }
        } catch {
            // The unique constraints decide; find out which one to say so.
            if try await self.user(id: user.id) != nil { throw StoreError.conflict("user \(user.id)") }
            if try await self.user(username: username) != nil { throw StoreError.conflict("username \(username)") }
            throw error
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await withDatabase { database in
            try await database.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map(Self.userRecord)
        }
    }

    public func user(username: String) async throws -> UserRecord? {
        try await withDatabase { database in
            try await database.raw("SELECT * FROM users WHERE username = \(bind: username.lowercased())")
                .first().map(Self.userRecord)
        }
    }

    public func listUsers() async throws -> [UserRecord] {
        try await withDatabase { database in
            try await database.raw("SELECT * FROM users ORDER BY username").all().map(Self.userRecord)
        }
    }

    public func setDisabled(userID: String, _ disabled: Bool) async throws {
        try await updateUser(userID, "UPDATE users SET disabled = \(bind: disabled) WHERE id = \(bind: userID)")
    }

    public func setRoles(userID: String, _ roles: [String]) async throws {
        let text = try jsonText(roles)
        try await updateUser(userID, "UPDATE users SET roles = \(bind: text) WHERE id = \(bind: userID)")
    }

    public func passwordHash(userID: String) async throws -> String? {
        try await withDatabase { database in
            try await database.raw("SELECT password_hash FROM users WHERE id = \(bind: userID)").first()
                .flatMap { try $0.optionalString("password_hash") }
        }
    }

    public func setPasswordHash(userID: String, _ phc: String) async throws {
        try await updateUser(userID, "UPDATE users SET password_hash = \(bind: phc) WHERE id = \(bind: userID)")
    }

    /// Runs an `UPDATE … WHERE id = userID`; throws ``StoreError/notFound(_:)`` when no row matched.
    private func updateUser(_ userID: String, _ update: SQLQueryString) async throws {
        var statement = update
        statement.appendLiteral(" RETURNING id")
        let rows = try await withDatabase(.write) { database in try await database.raw(statement).all() }
        if rows.isEmpty { throw StoreError.notFound("user \(userID)") }
    }

    static func userRecord(_ row: any SQLRow) throws -> UserRecord {
        UserRecord(id: try row.string("id"), username: try row.string("username"),
                   displayName: try row.string("display_name"), roles: try row.json("roles", as: [String].self),
                   disabled: try row.bool("disabled"), createdAt: try row.date("created_at"))
    }

    /// Throws ``StoreError/notFound(_:)`` unless the user exists (for a clear error before a foreign key fails).
    func requireUser(_ userID: String, in database: any SQLDatabase) async throws {
        let row = try await database.raw("SELECT id FROM users WHERE id = \(bind: userID)").first()
        if row == nil { throw StoreError.notFound("user \(userID)") }
    }
}
