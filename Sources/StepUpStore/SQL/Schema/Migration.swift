import SQLKit

/// One step of the schema, applied once, in order, inside the migration transaction.
struct Migration: Sendable {
    /// Strictly increasing from 1; recorded in `stepup_schema`.
    var version: Int
    var summary: String
    /// Statements for a dialect; only column types differ (e.g. `BLOB` / `BYTEA`), through SQLKit's data types.
    var statements: @Sendable (_ dialect: any SQLDialect) -> [SQLQueryString]
}

extension Migration {
    /// Every migration this binary knows, oldest first. Never edit a released one: append a new one.
    static let all: [Migration] = [.v1, .v2, .v3, .v4, .v5, .v6]

    /// The newest schema version this binary can run on.
    static var latestVersion: Int { all.map(\.version).max() ?? 0 }
}
