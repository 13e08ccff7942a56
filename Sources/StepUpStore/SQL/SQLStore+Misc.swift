import Foundation
import SQLKit
import StepUpCore
import Synchronization

/// One row per failure; counting is `COUNT(*)` over an index on `(throttle_key, at)`.
extension SQLStore: ThrottleStore {
    public func recordFailure(key: String, at: Date) async throws {
        // Prune opportunistically: this key's expired rows every time, everyone's every 256th insert.
        let pruneAll = throttleInserts.withLock { count in
            count &+= 1
            return count % 256 == 0
        }
        let horizon = at.addingTimeInterval(-throttleRetention).sqlSeconds
        try await withDatabase(.write) { database in
            try await database.raw("""
                INSERT INTO throttle_failures (throttle_key, failed_at) VALUES (\(bind: key), \(bind: at.sqlSeconds))
                """).run()
            try await database.raw("""
                DELETE FROM throttle_failures WHERE throttle_key = \(bind: key) AND failed_at < \(bind: horizon)
                """).run()
            if pruneAll {
                try await database.raw("DELETE FROM throttle_failures WHERE failed_at < \(bind: horizon)").run()
            }
        }
    }

    public func failureCount(key: String, since: Date) async throws -> Int {
        try await withDatabase { database in
            let row = try await database.raw("""
                SELECT COUNT(*) AS failures FROM throttle_failures
                WHERE throttle_key = \(bind: key) AND failed_at >= \(bind: since.sqlSeconds)
                """).first()
            return Int(clamping: try row?.int64("failures") ?? 0)
        }
    }

    public func failureTimes(key: String, since: Date, limit: Int) async throws -> [Date] {
        try await withDatabase { database in
            try await database.raw("""
                SELECT failed_at FROM throttle_failures
                WHERE throttle_key = \(bind: key) AND failed_at >= \(bind: since.sqlSeconds)
                ORDER BY failed_at DESC LIMIT \(bind: max(0, limit))
                """).all().map { try $0.date("failed_at") }.reversed()
        }
    }

    /// Tells the change feed itself (the feed's triggers skip deletes, which pruning does all the time).
    public func clearFailures(key: String) async throws {
        try await transaction { database in
            try await database.raw("DELETE FROM throttle_failures WHERE throttle_key = \(bind: key)").run()
            for statement in CacheFeedSQL.statements(entity: "'throttle'", key: "?") {
                // The key is bound at its `?`, never spliced in: throttle keys carry usernames.
                let parts = statement.components(separatedBy: "?")
                var query = SQLQueryString(parts[0])
                for part in parts.dropFirst() { query = query + "\(bind: key)" + SQLQueryString(part) }
                try await database.raw(query).run()
            }
        }
    }
}

extension SQLStore: RiskHistoryStore {
    public func riskHistory(userID: String) async throws -> Data? {
        try await withDatabase { database in
            try await database.raw("SELECT data FROM risk_history WHERE user_id = \(bind: userID)").first()
                .map { try $0.data("data") }
        }
    }

    public func saveRiskHistory(userID: String, _ data: Data) async throws {
        try await withDatabase(.write) { database in
            try await database.raw("""
                INSERT INTO risk_history (user_id, data) VALUES (\(bind: userID), \(bind: data))
                ON CONFLICT (user_id) DO UPDATE SET data = excluded.data
                """).run()
        }
    }
}

extension SQLStore: AddressRuleStore {
    public func setAddressRule(_ rule: AddressRule) async throws {
        try await withDatabase(.write) { database in
            try await database.raw("""
                INSERT INTO address_rules (cidr, verdict, note, created_at)
                VALUES (\(bind: rule.cidr), \(bind: rule.verdict.rawValue), \(bind: rule.note),
                    \(bind: rule.createdAt.sqlSeconds))
                ON CONFLICT (cidr) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
                    created_at = excluded.created_at
                """).run()
        }
    }

    public func removeAddressRule(cidr: String) async throws {
        try await withDatabase(.write) { database in
            try await database.raw("DELETE FROM address_rules WHERE cidr = \(bind: cidr)").run()
        }
    }

    public func addressRules() async throws -> [AddressRule] {
        try await withDatabase { database in
            try await database.raw("SELECT * FROM address_rules ORDER BY cidr").all().map { row in
                guard let verdict = AddressRule.Verdict(rawValue: try row.string("verdict")) else {
                    throw StoreError.backend("address rule has an unknown verdict")
                }
                return AddressRule(cidr: try row.string("cidr"), verdict: verdict, note: try row.string("note"),
                                   createdAt: try row.date("created_at"))
            }
        }
    }
}
