import Foundation
import StepUpCore

/// Writes audit events as JSON Lines, one event per line, oldest first — for `stepup audit export`.
///
/// Events are read a page at a time and each page is written before the next is read, so an export of
/// millions of events holds one page in memory. Any ``AuditStore`` backend works.
///
/// ```swift
/// try await AuditExport.jsonLines(from: store, since: yesterday) { line in print(line) }
/// ```
public enum AuditExport {
    /// One exported event. Field names are the database's; `at` is RFC 3339 in UTC with milliseconds.
    struct Line: Encodable {
        var sequence: Int64
        var type: String
        var at: String
        var userID: String?
        var sessionID: String?
        var ip: String?
        var policyVersion: String?
        var details: [String: String]
        var previousHash: String
        var hash: String

        enum CodingKeys: String, CodingKey {
            case sequence, type, at, userID = "user_id", sessionID = "session_id", ip,
                 policyVersion = "policy_version", details, previousHash = "previous_hash", hash
        }
    }

    /// Streams every event with `at >= since` (all events when `since` is `nil`) to `write`, one JSON object per
    /// call, without a trailing newline. Returns the number of events written.
    /// - Parameter pageSize: events read per round trip; memory use is bounded by one page.
    @discardableResult
    public static func jsonLines(from store: any AuditStore, since: Date? = nil, pageSize: Int = 1_000,
                                 write: (String) throws -> Void) async throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let dates = ISO8601DateFormatter()
        dates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var after: Int64 = 0
        var written = 0
        while true {
            let page = try await store.auditEvents(after: after, limit: max(1, pageSize))
            for event in page {
                // The log is ordered by sequence, not strictly by time (clocks step back): filter, never stop early.
                if let since, event.event.at < since { continue }
                let draft = event.event
                let line = Line(sequence: event.sequence, type: draft.type, at: dates.string(from: draft.at),
                                userID: draft.userID, sessionID: draft.sessionID, ip: draft.ip,
                                policyVersion: draft.policyVersion, details: draft.details,
                                previousHash: event.previousHash, hash: event.hash)
                try write(String(decoding: try encoder.encode(line), as: UTF8.self))
                written += 1
            }
            guard let last = page.last, page.count >= max(1, pageSize) else { return written }
            after = last.sequence
        }
    }
}
