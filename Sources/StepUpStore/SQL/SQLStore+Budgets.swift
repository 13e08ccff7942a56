import Foundation
import SQLKit
import StepUpCore

/// A spend is one `INSERT … SELECT … WHERE (count in window) < limit`: the check and the spending are one
/// statement, so racing requests (threads or processes) can never overspend a budget (on PostgreSQL after the
/// key's advisory lock, see below).
extension SQLStore: BudgetStore {
    public func spend(key: String, limit: Int, window: TimeInterval, at: Date) async throws -> BudgetSpend {
        let id = UUID().uuidString
        let horizon = at.addingTimeInterval(-window).sqlSeconds
        guard isPostgres else {
            return try await withDatabase(.write) { database in
                try await Self.spend(key: key, limit: limit, window: window, at: at, id: id, horizon: horizon,
                                     on: database)
            }
        }
        // PostgreSQL runs concurrent statements side by side, each counting in its own snapshot: a transaction
        // first takes this key's advisory lock, so the count and the insert that follows see every earlier spend.
        // This process's spends of the key queue in memory first, so its waiters hold no connection.
        return try await budgetTurns.run(key) {
            try await transaction { database in
                try await database.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: key), 0))").run()
                return try await Self.spend(key: key, limit: limit, window: window, at: at, id: id,
                                            horizon: horizon, on: database)
            }
        }
    }

    private static func spend(key: String, limit: Int, window: TimeInterval, at: Date, id: String, horizon: Double,
                              on database: any SQLDatabase) async throws -> BudgetSpend {
        let spent = try await database.raw("""
            INSERT INTO budget_units (budget_key, spent_at, id)
            SELECT \(bind: key), \(bind: at.sqlSeconds), \(bind: id)
            WHERE (SELECT COUNT(*) FROM budget_units
                   WHERE budget_key = \(bind: key) AND spent_at > \(bind: horizon)) < \(bind: limit)
            RETURNING id
            """).all()
        if !spent.isEmpty {
            let used = try await database.raw("""
                SELECT COUNT(*) AS used FROM budget_units
                WHERE budget_key = \(bind: key) AND spent_at > \(bind: horizon)
                """).first()
            let count = Int(clamping: try used?.int64("used") ?? Int64(limit))
            return .spent(BudgetReceipt(key: key, id: id), remaining: max(0, limit - count))
        }
        let oldest = try await database.raw("""
            SELECT MIN(spent_at) AS oldest FROM budget_units
            WHERE budget_key = \(bind: key) AND spent_at > \(bind: horizon)
            """).first()
        let oldestAt = try oldest?.optionalDate("oldest") ?? at
        return .exhausted(retryAfter: max(1, oldestAt.addingTimeInterval(window).timeIntervalSince(at)))
    }

    public func refund(_ receipt: BudgetReceipt) async throws {
        try await withDatabase(.write) { database in
            try await database.raw("""
                DELETE FROM budget_units WHERE id = \(bind: receipt.id) AND budget_key = \(bind: receipt.key)
                """).run()
        }
    }
}
