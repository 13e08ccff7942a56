import Foundation
import StepUpCore
import Synchronization

extension MemoryStore: OneTimeCodeStore {
    public func addCode(_ code: OneTimeCodeRecord) async throws {
        try state.withLock { state in
            guard state.codes[code.id] == nil else { throw StoreError.conflict("code \(code.id)") }
            state.codes[code.id] = code
        }
    }

    public func openCodes(scope: String, at: Date) async throws -> [OneTimeCodeRecord] {
        state.withLock { state in
            state.codes.values.filter { $0.scope == scope && $0.usedAt == nil && $0.expiresAt > at }
                .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        }
    }

    public func consumeCode(id: String, at: Date) async throws -> Bool {
        state.withLock { state in
            guard var code = state.codes[id], code.usedAt == nil, code.expiresAt > at else { return false }
            code.usedAt = at
            state.codes[id] = code
            return true
        }
    }
}

extension MemoryStore: OutboxStore {
    public func enqueue(_ message: OutboxMessage) async throws -> Bool {
        state.withLock { state in
            guard !state.outbox.values.contains(where: { $0.idempotencyKey == message.idempotencyKey }) else {
                return false
            }
            state.outbox[message.id] = message
            return true
        }
    }

    public func claimDue(at: Date, lease: TimeInterval, limit: Int) async throws -> [OutboxMessage] {
        state.withLock { state in
            let due = state.outbox.values.filter { $0.status == .pending && $0.nextAttemptAt <= at }
                .sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }.prefix(limit)
            return due.map { message in
                var claimed = message
                claimed.attempts += 1
                claimed.nextAttemptAt = at.addingTimeInterval(lease)
                state.outbox[message.id] = claimed
                return claimed
            }
        }
    }

    public func markSent(id: String, at: Date) async throws {
        state.withLock { state in
            guard var message = state.outbox[id] else { return }
            message.status = .sent
            message.sentAt = at
            message.lastError = nil
            state.outbox[id] = message
        }
    }

    public func markFailed(id: String, error: String, retryAt: Date?) async throws {
        state.withLock { state in
            guard var message = state.outbox[id], message.status == .pending else { return }
            message.lastError = error
            if let retryAt { message.nextAttemptAt = retryAt } else { message.status = .failed }
            state.outbox[id] = message
        }
    }

    public func outboxMessages(status: OutboxMessage.Status?, limit: Int) async throws -> [OutboxMessage] {
        state.withLock { state in
            Array(state.outbox.values.filter { status == nil || $0.status == status }
                .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(limit))
        }
    }

    public func retryFailed(id: String?, at: Date) async throws -> Int {
        state.withLock { state in
            var count = 0
            for (key, var message) in state.outbox where message.status == .failed && (id == nil || key == id) {
                message.status = .pending
                message.nextAttemptAt = at
                state.outbox[key] = message
                count += 1
            }
            return count
        }
    }
}
