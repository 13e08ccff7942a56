import Foundation
import PostgresNIO
import SQLKit
import StepUpCore
import Synchronization

/// Group commit for PostgreSQL: the units of work of concurrent requests are written in one transaction, and
/// each request is answered when that transaction has committed (PostgreSQL's `synchronous_commit` decides how
/// durable that is; its default survives power loss).
///
/// The transaction first locks the audit chain's head row (`SELECT … FOR UPDATE`): every instance's committer
/// waits there, so the chain is appended by one transaction at a time across all instances and never forks,
/// and committers never deadlock against each other. A batch has no savepoints: no statement in it fails in an
/// expected way (a taken challenge id inserts nothing), so a batch that fails anyway is retried unit by unit,
/// and a failing unit fails alone. A deadlock with another transaction (PostgreSQL picks a victim) is retried.
final class PostgresGroupCommitter: UnitCommitter {
    private struct Pending: Sendable {
        var unit: PreparedUnit
        var continuation: CheckedContinuation<[AuditEvent], any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var draining: Task<Void, Never>?
        var closed = false
    }

    private let source: any SQLConnectionSource
    private let state = Mutex(State())
    private let roundTrips: RoundTrips
    let committed = Mutex((transactions: 0, units: 0))

    /// How long a batch may take before its requests are told it failed (see ``watched(_:)``).
    private let batchTimeout: Duration

    init(source: any SQLConnectionSource, roundTrips: RoundTrips, batchTimeout: Duration = .seconds(15)) {
        self.source = source
        self.roundTrips = roundTrips
        self.batchTimeout = batchTimeout
    }

    func commit(_ unit: UnitOfWork) async throws -> [AuditEvent] {
        let prepared = try PreparedUnit(unit)
        return try await withCheckedThrowingContinuation { continuation in
            let refused: Bool = state.withLock { state in
                if state.closed { return true }
                state.pending.append(Pending(unit: prepared, continuation: continuation))
                if state.draining == nil { state.draining = Task { await self.drain() } }
                return false
            }
            if refused { continuation.resume(throwing: StoreError.backend("the database is closed")) }
        }
    }

    /// Waits for what is queued; later commits fail.
    func close() async {
        let draining = state.withLock { state in
            state.closed = true
            return state.draining
        }
        await draining?.value
    }

    /// One transaction per turn until nothing waits.
    private func drain() async {
        while true {
            let batch: [Pending] = state.withLock { state in
                let count = min(state.pending.count, SQLiteGroupCommitter.maxBatch)
                if count == 0 { state.draining = nil }
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return batch
            }
            if batch.isEmpty { return }
            var results = await watched(batch.map(\.unit))
            if results.isEmpty {
                results = []
                for pending in batch {
                    let alone = await watched([pending.unit])
                    results.append(alone.first ?? .failure(StoreError.backend("the write failed")))
                }
            }
            for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
        }
    }

    /// ``run(_:)`` with a time limit: a batch whose connection hangs (a database that vanished mid-transaction)
    /// fails its requests instead of holding up every later one; if it commits after all, the writes stay and
    /// the audit head, read under its row lock, keeps the chain one line.
    private func watched(_ units: [PreparedUnit]) async -> [Result<[AuditEvent], any Error>] {
        let answered = Mutex(false)
        return await withCheckedContinuation { continuation in
            let answer: @Sendable ([Result<[AuditEvent], any Error>]) -> Void = { results in
                if answered.withLock({ done in defer { done = true }; return !done }) {
                    continuation.resume(returning: results)
                }
            }
            let timer = Task {
                try await Task.sleep(for: self.batchTimeout)
                let failure = StoreError.backend("the database did not answer within \(self.batchTimeout)")
                answer(units.map { _ in .failure(failure) })
            }
            Task {
                answer(await self.run(units))
                timer.cancel()
            }
        }
    }

    /// One transaction for `units`: their results, or for several units that failed together, none (the caller
    /// runs them one by one).
    private func run(_ units: [PreparedUnit]) async -> [Result<[AuditEvent], any Error>] {
        var attempt = 0
        while true {
            attempt += 1
            roundTrips.count(.write)
            do {
                let events = try await source.withDatabase(.write) { database in
                    try await self.transaction(units, on: database)
                }
                committed.withLock { $0.transactions += 1; $0.units += units.count }
                return events.map { .success($0) }
            } catch let failure as UnitFailure {
                return units.count > 1 ? [] : [.failure(failure.error)]
            } catch {
                if Self.isRetryable(error), attempt < 5 { continue }
                if units.count > 1 { return [] }
                let failure = StoreError.backend("the transaction holding this write failed: \(String(reflecting: error))")
                return [.failure(failure)]
            }
        }
    }

    /// Deadlock (40P01) and serialization failure (40001): PostgreSQL undid the transaction; running it again
    /// is safe.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let code = error.serverInfo?[.sqlState] else { return false }
        return code == "40P01" || code == "40001"
    }

    private func transaction(_ units: [PreparedUnit], on database: any SQLDatabase) async throws -> [[AuditEvent]] {
        try await database.raw("BEGIN").run()
        do {
            guard let row = try await database.raw("SELECT sequence, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .first() else { throw StoreError.backend("audit_head row is missing") }
            var head = (sequence: try row.int64("sequence"), hash: try row.string("hash"))
            let start = head.sequence
            var results: [[AuditEvent]] = []
            for unit in units { results.append(try await Self.apply(unit, head: &head, on: database)) }
            for tally in AuditTally.merged(units.flatMap(\.unit.auditTallies)) {
                try await database.raw("""
                    INSERT INTO audit_tallies (minute, event_type, rule, count)
                    VALUES (\(bind: tally.minute), \(bind: tally.type), \(bind: tally.rule), \(bind: tally.count))
                    ON CONFLICT (minute, event_type, rule) DO UPDATE SET count = audit_tallies.count + excluded.count
                    """).run()
            }
            if head.sequence != start {
                try await database.raw("""
                    UPDATE audit_head SET sequence = \(bind: head.sequence), hash = \(bind: head.hash) WHERE id = 1
                    """).run()
            }
            try await database.raw("COMMIT").run()
            return results
        } catch {
            // Detached: a cancelled task must still roll back before the connection returns to the pool.
            try? await Task.detached { try await database.raw("ROLLBACK").run() }.value
            throw error
        }
    }

    private static func apply(_ prepared: PreparedUnit, head: inout (sequence: Int64, hash: String),
                              on database: any SQLDatabase) async throws -> [AuditEvent] {
        for (challenge, texts) in zip(prepared.unit.challenges, prepared.challengeTexts) {
            let inserted = try await database.raw("""
                INSERT INTO challenges (id, user_id, session_id, action, requirement, binding_hash, display,
                    created_at, expires_at, attempts_left, status, satisfied_at, policy_version)
                VALUES (\(bind: challenge.id), \(bind: challenge.userID), \(bind: challenge.sessionID),
                    \(bind: challenge.action), \(bind: texts.requirement), \(bind: challenge.bindingHash),
                    \(bind: texts.display), \(bind: challenge.createdAt.sqlSeconds),
                    \(bind: challenge.expiresAt.sqlSeconds), \(bind: Int64(challenge.attemptsLeft)),
                    \(bind: challenge.status.rawValue), \(bind: challenge.satisfiedAt?.sqlSeconds),
                    \(bind: challenge.policyVersion))
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """).all()
            if inserted.isEmpty { throw UnitFailure(StoreError.conflict("challenge \(challenge.id)")) }
        }
        for touch in prepared.unit.sessionTouches {
            try await database.raw("""
                UPDATE sessions SET last_seen_at = \(bind: touch.at.sqlSeconds)
                WHERE id = \(bind: touch.sessionID) AND last_seen_at < \(bind: touch.at.sqlSeconds)
                """).run()
        }
        var events: [AuditEvent] = []
        for (draft, details) in zip(prepared.unit.auditEvents, prepared.detailTexts) {
            let event = AuditChain.next(after: head, draft, detailsText: details)
            let stored = event.event
            try await database.raw("""
                INSERT INTO audit_events (sequence, type, occurred_at, user_id, session_id, ip, policy_version,
                    details, previous_hash, hash)
                VALUES (\(bind: event.sequence), \(bind: stored.type), \(bind: stored.at.sqlSeconds),
                    \(bind: stored.userID), \(bind: stored.sessionID), \(bind: stored.ip),
                    \(bind: stored.policyVersion), \(bind: details), \(bind: event.previousHash), \(bind: event.hash))
                """).run()
            head = (event.sequence, event.hash)
            events.append(event)
        }
        return events
    }
}

/// A unit's own failure inside a batch (a taken challenge id): the batch runs again without it.
struct UnitFailure: Error {
    let error: any Error
    init(_ error: any Error) { self.error = error }
}
