import StepUpCore

/// The result of recomputing an audit hash chain.
public struct AuditChainReport: Sendable, Hashable, CustomStringConvertible {
    /// How many events were checked.
    public var checkedEvents: Int
    /// The sequence number of the first event that does not verify, `nil` when the whole chain is intact.
    public var firstBrokenSequence: Int64?
    /// Why that event does not verify.
    public var reason: String?

    public init(checkedEvents: Int, firstBrokenSequence: Int64? = nil, reason: String? = nil) {
        self.checkedEvents = checkedEvents
        self.firstBrokenSequence = firstBrokenSequence
        self.reason = reason
    }

    public var isIntact: Bool { firstBrokenSequence == nil }

    public var description: String {
        guard let firstBrokenSequence else { return "audit chain intact (\(checkedEvents) events)" }
        return "audit chain broken at sequence \(firstBrokenSequence): \(reason ?? "unknown")"
    }
}

extension AuditChain {
    /// Incremental verifier: feed events oldest first, in pages, and read ``report`` at the end.
    public struct Verifier: Sendable {
        private var last: (sequence: Int64, hash: String)?
        public private(set) var report = AuditChainReport(checkedEvents: 0)

        public init() {}

        /// Checks one event; after the first break, further events are ignored. Returns `false` once broken.
        @discardableResult
        public mutating func check(_ event: AuditEvent) -> Bool {
            guard report.isIntact else { return false }
            let expectedSequence = (last?.sequence ?? 0) + 1
            let expectedPrevious = last?.hash ?? AuditChain.genesisHash
            var problem: String?
            if event.sequence != expectedSequence {
                problem = "expected sequence \(expectedSequence), found \(event.sequence) (event missing or reordered)"
            } else if event.previousHash != expectedPrevious {
                problem = "previous hash does not match the hash of event \(expectedSequence - 1)"
            } else if AuditChain.hash(previousHash: event.previousHash, sequence: event.sequence,
                                      event: event.event) != event.hash {
                problem = "content does not match its hash (event edited)"
            }
            if let problem {
                report.firstBrokenSequence = event.sequence
                report.reason = problem
                return false
            }
            report.checkedEvents += 1
            last = (event.sequence, event.hash)
            return true
        }
    }

    /// Verifies a whole chain held in memory.
    public static func verify(_ events: [AuditEvent]) -> AuditChainReport {
        var verifier = Verifier()
        for event in events where !verifier.check(event) { break }
        return verifier.report
    }
}

extension AuditStore {
    /// Recomputes the whole chain by paging through ``AuditStore/auditEvents(after:limit:)``.
    public func verifyAuditChain(pageSize: Int) async throws -> AuditChainReport {
        var verifier = AuditChain.Verifier()
        var after: Int64 = 0
        while true {
            let page = try await auditEvents(after: after, limit: max(pageSize, 1))
            guard let lastEvent = page.last else { break }
            for event in page where !verifier.check(event) { return verifier.report }
            after = lastEvent.sequence
        }
        return verifier.report
    }
}
