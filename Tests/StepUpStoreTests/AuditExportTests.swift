import Foundation
import StepUpCore
import StepUpStore
import Synchronization
import Testing

@Suite("Audit export, every backend", .timeLimit(.minutes(5)))
struct AuditExportTests {
    /// Counts the pages an export asks for, to show it never reads more than one page at a time.
    final class PageCounter: AuditStore, Sendable {
        let base: any AuditStore
        let limits = Mutex<[Int]>([])
        init(_ base: any AuditStore) { self.base = base }
        func append(_ event: AuditEventDraft) async throws -> AuditEvent { try await base.append(event) }
        func auditEvents(after: Int64, limit: Int) async throws -> [AuditEvent] {
            limits.withLock { $0.append(limit) }
            return try await base.auditEvents(after: after, limit: limit)
        }
        func auditTallies(since: Date) async throws -> [AuditTally] { try await base.auditTallies(since: since) }
    }

    @Test(arguments: Backend.allCases)
    func exportsEveryFieldAsOneJSONObjectPerLine(_ backend: Backend) async throws {
        try await withBackend(backend) { harness in
            let audit = harness.stores.audit
            for index in 0..<5 {
                try await audit.append(AuditEventDraft(
                    type: "decision.allow", at: at(Double(index) * 60), userID: "u1", sessionID: "s\(index)",
                    ip: "192.0.2.\(index)", policyVersion: "p1", details: ["rule": "r\(index)", "path": "/a/b"]))
            }
            let stored = try await audit.auditEvents(after: 0, limit: 10)
            var lines: [String] = []
            let counter = PageCounter(audit)
            let written = try await AuditExport.jsonLines(from: counter, since: at(120), pageSize: 2) { lines.append($0) }

            #expect(written == 3)
            #expect(lines.count == 3)
            // Pages of two: 2 + 2 + 1 events, then the short page ends the export.
            #expect(counter.limits.withLock { $0 } == [2, 2, 2])
            for (line, event) in zip(lines, stored.suffix(3)) {
                #expect(!line.contains("\n"))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["sequence"] as? Int == Int(event.sequence))
                #expect(object["type"] as? String == "decision.allow")
                #expect(object["user_id"] as? String == "u1")
                #expect(object["session_id"] as? String == event.event.sessionID)
                #expect(object["ip"] as? String == event.event.ip)
                #expect(object["policy_version"] as? String == "p1")
                #expect(object["details"] as? [String: String] == event.event.details)
                #expect(object["hash"] as? String == event.hash)
                #expect(object["previous_hash"] as? String == event.previousHash)
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                #expect(formatter.date(from: object["at"] as? String ?? "") == event.event.at)
            }
            #expect(lines.first?.contains("\"path\":\"/a/b\"") == true, "slashes are not escaped")

            var all = 0
            try await AuditExport.jsonLines(from: audit) { _ in all += 1 }
            #expect(all == 5)
            var none = 0
            try await AuditExport.jsonLines(from: audit, since: at(10_000)) { _ in none += 1 }
            #expect(none == 0)
        }
    }
}
