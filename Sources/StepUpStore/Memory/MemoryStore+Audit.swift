import Foundation
import StepUpCore
import Synchronization

extension MemoryStore: AuditStore {
    @discardableResult
    public func append(_ event: AuditEventDraft) async throws -> AuditEvent {
        try await commit(UnitOfWork(auditEvents: [event]))[0]
    }

    public func auditEvents(after: Int64, limit: Int) async throws -> [AuditEvent] {
        let count = max(0, min(limit, 100_000))
        return state.withLock { state in Array(state.audit.lazy.filter { $0.sequence > after }.prefix(count)) }
    }
}

extension MemoryStore: ThrottleStore {
    public func recordFailure(key: String, at: Date) async throws {
        // Keep a week, like the SQL store's default retention, so a long run does not grow without bound.
        let horizon = at.addingTimeInterval(-7 * 86_400)
        state.withLock { state in
            var times = state.failures[key, default: []].filter { $0 >= horizon }
            times.append(at)
            state.failures[key] = times
        }
    }

    public func failureCount(key: String, since: Date) async throws -> Int {
        state.withLock { state in state.failures[key]?.count { $0 >= since } ?? 0 }
    }

    public func failureTimes(key: String, since: Date, limit: Int) async throws -> [Date] {
        state.withLock { state in Array((state.failures[key] ?? []).filter { $0 >= since }.sorted().suffix(max(0, limit))) }
    }

    public func clearFailures(key: String) async throws {
        _ = state.withLock { state in state.failures.removeValue(forKey: key) }
    }
}

extension MemoryStore: RiskHistoryStore {
    public func riskHistory(userID: String) async throws -> Data? {
        state.withLock { $0.riskHistory[userID] }
    }

    public func saveRiskHistory(userID: String, _ data: Data) async throws {
        state.withLock { $0.riskHistory[userID] = data }
    }
}

extension MemoryStore: AddressRuleStore {
    public func setAddressRule(_ rule: AddressRule) async throws {
        state.withLock { $0.addressRules[rule.cidr] = rule }
    }

    public func removeAddressRule(cidr: String) async throws {
        _ = state.withLock { $0.addressRules.removeValue(forKey: cidr) }
    }

    public func addressRules() async throws -> [AddressRule] {
        state.withLock { Array($0.addressRules.values) }.sorted { $0.cidr < $1.cidr }
    }
}

extension MemoryStore: UnitOfWorkStore {
    /// Applies the whole unit under the lock, or nothing (a taken challenge id throws before any change).
    @discardableResult
    public func commit(_ unit: UnitOfWork) async throws -> [AuditEvent] {
        try state.withLock { state in
            for challenge in unit.challenges where state.challenges[challenge.id] != nil {
                throw StoreError.conflict("challenge \(challenge.id)")
            }
            for challenge in unit.challenges { state.challenges[challenge.id] = challenge }
            for touch in unit.sessionTouches where state.sessions[touch.sessionID] != nil {
                state.sessions[touch.sessionID]?.lastSeenAt = touch.at
            }
            state.tallies = AuditTally.merged(state.tallies + unit.auditTallies)
            return unit.auditEvents.map { draft in
                let head = state.audit.last.map { (sequence: $0.sequence, hash: $0.hash) }
                let appended = AuditChain.next(after: head, draft)
                state.audit.append(appended)
                return appended
            }
        }
    }

    public func auditTallies(since: Date) async throws -> [AuditTally] {
        let minute = AuditTally(at: since, type: "", rule: "").minute
        return state.withLock { $0.tallies }.filter { $0.minute >= minute }
            .sorted { ($0.minute, $0.type, $0.rule) < ($1.minute, $1.type, $1.rule) }
    }
}
