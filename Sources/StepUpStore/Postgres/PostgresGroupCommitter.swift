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
    private struct State {
        var pending: [WaitingCommit] = []
        var draining: Task<Void, Never>?
        /// A lone request is committing its own unit, in its own task (see ``commit(_:)``).
        var alone = false
        var closed = false
    }

    private let source: any SQLConnectionSource
    /// A connection of the committer's own (the pool when it is unavailable).
    let held: HeldConnection?
    /// Batches lone requests committed in their own tasks (see ``commit(_:)``).
    let aloneCommits = Atomic<Int>(0)
    private let state = Mutex(State())
    private let roundTrips: RoundTrips
    let committed = Mutex((transactions: 0, units: 0))
    /// The audit head as this committer last committed it (nil before its first commit).
    private let knownHead = Mutex<AuditHead?>(nil)
    /// Batches committed by ``oneStatement(_:on:)`` and by ``transaction(_:on:)``, and statements PostgreSQL
    /// refused (the head had moved).
    let paths = Mutex((oneStatement: 0, transaction: 0, refused: 0))
    /// After a refused statement, batches go straight to ``transaction(_:on:)`` for this long: where several
    /// instances write at once the head has mostly moved, and a statement bound to fail would only add a round trip.
    let refusalPause = Mutex(Duration.seconds(1))
    /// Test seams.
    struct Hooks: Sendable {
        /// Runs before a batch writes anything: a throw stands in for a connection lost at an unknown point.
        var beforeBatch: (@Sendable (_ units: Int) throws -> Void)?
    }

    let hooks = TestSeams(Hooks())
    /// Until when batches skip ``oneStatement(_:on:)`` (tests end the pause early).
    let pausedUntil = Mutex<ContinuousClock.Instant?>(nil)

    /// How long a batch may take before its requests are told it failed (see ``watched(_:)``).
    private let batchTimeout: Duration

    init(source: any SQLConnectionSource, held: HeldConnection? = nil, roundTrips: RoundTrips,
         batchTimeout: Duration = .seconds(15)) {
        self.source = source
        self.held = held
        self.roundTrips = roundTrips
        self.batchTimeout = batchTimeout
    }

    /// Commits `unit` with whatever else is waiting; returns its appended audit events once committed.
    ///
    /// A request that finds the committer idle and nothing queued is alone: it runs its batch of one in its own
    /// task, sparing the hand-offs to the committer's task and back (on a lone decision they cost more than the
    /// statement). Units that arrive meanwhile queue up as usual and are committed together once it is done.
    func commit(_ unit: UnitOfWork) async throws -> [AuditEvent] {
        let prepared = try PreparedUnit(unit)
        // A test's hook that holds a batch holds it in the committer's task, as a slow database would.
        let alone = hooks.current?.beforeBatch == nil && state.withLock { state in
            guard !state.closed, !state.alone, state.draining == nil, state.pending.isEmpty else { return false }
            state.alone = true
            return true
        }
        if alone {
            let result = await run([prepared]).first ?? .failure(StoreError.backend("the write failed"))
            aloneCommits.add(1, ordering: .relaxed)
            state.withLock { state in
                state.alone = false
                if !state.pending.isEmpty, state.draining == nil { state.draining = Task { await self.drain() } }
            }
            return try result.get()
        }
        return try await withCheckedThrowingContinuation { continuation in
            let refused: Bool = state.withLock { state in
                if state.closed { return true }
                state.pending.append(WaitingCommit(unit: prepared, continuation: continuation))
                // While a lone request commits, the queue waits for it (it starts the drain when done).
                if state.draining == nil, !state.alone { state.draining = Task { await self.drain() } }
                return false
            }
            if refused { continuation.resume(throwing: StoreError.backend("the database is closed")) }
        }
    }

    /// Waits for what is queued; later commits fail.
    func close() async {
        state.withLock { $0.closed = true }
        // A lone request may be committing in its own task: let it finish (it may start a drain for the queue).
        while state.withLock({ $0.alone }) { try? await Task.sleep(for: .milliseconds(1)) }
        await state.withLock({ $0.draining })?.value
        await held?.close()
    }

    /// Runs `body` on the committer's own connection (with its lease, for prepared statements), or on one from
    /// the pool when that is unavailable.
    private func withConnection<R>(_ body: (any SQLDatabase, HeldConnection.Lease?) async throws -> R) async throws -> R {
        if let held, let result = try await held.run({ try await body($0.database, $0) }) { return result }
        return try await source.withDatabase(.write) { try await body($0, nil) }
    }

    /// One transaction per turn until nothing waits.
    private func drain() async {
        while true {
            let batch: [WaitingCommit] = state.withLock { state in
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
            WaitingCommit.answer(batch, with: results)
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

    /// One batch for `units`: their results, or — for several units that PostgreSQL refused together — none (the
    /// caller runs them one by one, so a unit that caused the refusal fails alone).
    ///
    /// Only a refusal is run again: PostgreSQL undid the batch. When the batch failed any other way (the
    /// connection broke, the time limit passed), whether it committed is unknown, and running its units again could
    /// write them twice; every unit fails instead (storage unavailable, nothing acknowledged).
    private func run(_ units: [PreparedUnit]) async -> [Result<[AuditEvent], any Error>] {
        var attempt = 0
        while true {
            attempt += 1
            roundTrips.count(.write)
            do {
                let events = try await withConnection { database, lease in
                    try hooks.current?.beforeBatch?(units.count)
                    if let events = try await self.oneStatement(units, on: database, lease: lease) { return events }
                    return try await self.transaction(units, on: database)
                }
                committed.withLock { $0.transactions += 1; $0.units += units.count }
                return events.map { .success($0) }
            } catch let failure as UnitFailure {
                return units.count > 1 ? [] : [.failure(failure.error)]
            } catch {
                if Self.isRetryable(error), attempt < 5 { continue }
                if units.count > 1, Self.wasRefused(error) { return [] }
                let failure = StoreError.backend("the transaction holding this write failed: \(String(reflecting: error))")
                return units.map { _ in .failure(failure) }
            }
        }
    }

    /// Whether PostgreSQL answered with an error (so it undid the statement or transaction), rather than the
    /// answer being lost.
    static func wasRefused(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo != nil
    }

    /// Deadlock (40P01) and serialization failure (40001): PostgreSQL undid the transaction; running it again
    /// is safe.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let code = error.serverInfo?[.sqlState] else { return false }
        return code == "40P01" || code == "40001"
    }

    /// A batch costs the same few round trips whatever its size: `BEGIN`, the head under its lock, one insert
    /// for all its challenges, one statement that appends all its audit events and moves the head, `COMMIT`.
    private func transaction(_ units: [PreparedUnit], on database: any SQLDatabase) async throws -> [[AuditEvent]] {
        try await database.raw("BEGIN").run()
        do {
            guard let row = try await database.raw("SELECT sequence, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .first() else { throw StoreError.backend("audit_head row is missing") }
            var head = (sequence: try row.int64("sequence"), hash: try row.string("hash"))
            let start = head.sequence
            try await Self.insertChallenges(units, on: database)
            for touch in units.flatMap(\.unit.sessionTouches) {
                try await database.raw("""
                    UPDATE sessions SET last_seen_at = \(bind: touch.at.sqlSeconds)
                    WHERE id = \(bind: touch.sessionID) AND last_seen_at < \(bind: touch.at.sqlSeconds)
                    """).run()
            }
            let (rows, results, end) = Self.chain(units, after: head)
            head = end
            try await Self.appendAudit(rows, head: head, moved: head.sequence != start, on: database)
            for tally in AuditTally.merged(units.flatMap(\.unit.auditTallies)) {
                try await database.raw("""
                    INSERT INTO audit_tallies (minute, event_type, rule, count)
                    VALUES (\(bind: tally.minute), \(bind: tally.type), \(bind: tally.rule), \(bind: tally.count))
                    ON CONFLICT (minute, event_type, rule) DO UPDATE SET count = audit_tallies.count + excluded.count
                    """).run()
            }
            try await database.raw("COMMIT").run()
            knownHead.withLock { $0 = head }
            paths.withLock { $0.transaction += 1 }
            return results
        } catch {
            // Detached: a cancelled task must still roll back before the connection returns to the pool.
            try? await Task.detached { try await database.raw("ROLLBACK").run() }.value
            throw error
        }
    }

    /// The batch in one statement — so one round trip, committed by itself — when this committer knows the audit
    /// head: the statement moves the head only from the one it expects (compare and swap under the head's row
    /// lock), and fails as a whole (a division by zero) when another process moved it first. Nil when it could
    /// not be used; the caller then runs the batch as a transaction, which reads the head afresh. A batch that
    /// PostgreSQL refused (a taken challenge id, a moved head) changed nothing and goes the same way; one whose
    /// answer was lost (the connection broke) is not run again. After a refusal, batches skip this for a
    /// while (``refusalPause``).
    private func oneStatement(_ units: [PreparedUnit], on database: any SQLDatabase,
                              lease: HeldConnection.Lease?) async throws -> [[AuditEvent]]? {
        guard let head = knownHead.withLock({ $0 }) else { return nil }
        if let until = pausedUntil.withLock({ $0 }), ContinuousClock.now < until { return nil }
        if let lease { return try await preparedStatement(units, after: head, on: lease) }
        let challenges = units.flatMap { zip($0.unit.challenges, $0.challengeTexts) }
        let touches = units.flatMap(\.unit.sessionTouches)
        let tallies = AuditTally.merged(units.flatMap(\.unit.auditTallies))
        let (rows, results, end) = Self.chain(units, after: head)
        let binds = 4 + rows.count * 10 + challenges.count * 13 + touches.count * 3 + tallies.count * 4
        guard binds <= 60_000 else { return nil }
        var parts: [SQLQueryString] = ["""
            head AS (UPDATE audit_head SET sequence = \(bind: end.sequence), hash = \(bind: end.hash)
                WHERE id = 1 AND sequence = \(bind: head.sequence) AND hash = \(bind: head.hash) RETURNING 1)
            """]
        if !challenges.isEmpty {
            parts.append("""
                challenges AS (INSERT INTO challenges (id, user_id, session_id, action, requirement, binding_hash,
                    display, created_at, expires_at, attempts_left, status, satisfied_at, policy_version)
                VALUES \(challenges.map { Self.challengeRow($0.0, $0.1) }.joined(separator: ", ")))
                """)
        }
        for (index, touch) in touches.enumerated() {
            parts.append("""
                touch\(unsafeRaw: String(index)) AS (UPDATE sessions SET last_seen_at = \(bind: touch.at.sqlSeconds)
                    WHERE id = \(bind: touch.sessionID) AND last_seen_at < \(bind: touch.at.sqlSeconds))
                """)
        }
        if !rows.isEmpty {
            parts.append("""
                events AS (INSERT INTO audit_events (sequence, type, occurred_at, user_id, session_id, ip,
                    policy_version, details, previous_hash, hash) VALUES \(rows.joined(separator: ", ")))
                """)
        }
        if !tallies.isEmpty {
            let values: [SQLQueryString] = tallies.map {
                "(\(bind: $0.minute), \(bind: $0.type), \(bind: $0.rule), \(bind: $0.count))"
            }
            parts.append("""
                tallies AS (INSERT INTO audit_tallies (minute, event_type, rule, count)
                    VALUES \(values.joined(separator: ", "))
                    ON CONFLICT (minute, event_type, rule) DO UPDATE SET count = audit_tallies.count + excluded.count)
                """)
        }
        do {
            // The head's CTE runs first (the main query reads it); the others run after the main query.
            try await database.raw("""
                WITH \(parts.joined(separator: ", ")) SELECT 1 / (SELECT count(*)::integer FROM head) AS applied
                """).run()
        } catch let error as PSQLError where error.serverInfo != nil {
            return refused()
        }
        return applied(results, end: end)
    }

    /// A one-statement batch PostgreSQL refused, so nothing of it was written: later batches skip the path for
    /// ``refusalPause``.
    private func refused() -> [[AuditEvent]]? {
        let until = ContinuousClock.now + refusalPause.withLock { $0 }
        pausedUntil.withLock { $0 = until }
        paths.withLock { $0.refused += 1 }
        return nil
    }

    /// A one-statement batch that committed: the audit head is now `end`.
    private func applied(_ results: [[AuditEvent]], end: AuditHead) -> [[AuditEvent]] {
        knownHead.withLock { $0 = end }
        paths.withLock { $0.oneStatement += 1 }
        return results
    }

    /// ``oneStatement(_:on:lease:)`` as one statement prepared on the committer's own connection, whatever the
    /// batch: each table's rows travel as arrays (`unnest`), so the statement's text never changes and PostgreSQL
    /// parses and plans it once per connection. Refused like the other (a moved head, a taken challenge id), and
    /// then nothing of it was written.
    private func preparedStatement(_ units: [PreparedUnit], after head: AuditHead,
                                   on lease: HeldConnection.Lease) async throws -> [[AuditEvent]]? {
        var results: [[AuditEvent]] = []
        var end = head
        var events = ArrayColumns(10)
        var challenges = ArrayColumns(13)
        for unit in units {
            var appended: [AuditEvent] = []
            for (draft, details) in zip(unit.unit.auditEvents, unit.detailTexts) {
                let event = AuditChain.next(after: end, draft, detailsText: details)
                let stored = event.event
                events.append([.init(int64: event.sequence), .init(string: stored.type),
                               .init(double: stored.at.sqlSeconds), .text(stored.userID), .text(stored.sessionID),
                               .text(stored.ip), .text(stored.policyVersion), .init(string: details),
                               .init(string: event.previousHash), .init(string: event.hash)])
                end = (event.sequence, event.hash)
                appended.append(event)
            }
            results.append(appended)
            for (challenge, texts) in zip(unit.unit.challenges, unit.challengeTexts) {
                challenges.append([
                    .init(string: challenge.id), .init(string: challenge.userID), .init(string: challenge.sessionID),
                    .init(string: challenge.action), .init(string: texts.requirement), .text(challenge.bindingHash),
                    .init(string: texts.display), .init(double: challenge.createdAt.sqlSeconds),
                    .init(double: challenge.expiresAt.sqlSeconds), .init(int64: Int64(challenge.attemptsLeft)),
                    .init(string: challenge.status.rawValue), .seconds(challenge.satisfiedAt),
                    .init(string: challenge.policyVersion),
                ])
            }
        }
        // One update per session (the latest touch): a statement must not change one row twice.
        var latest: [String: Date] = [:]
        for touch in units.flatMap(\.unit.sessionTouches) { latest[touch.sessionID] = max(latest[touch.sessionID] ?? touch.at, touch.at) }
        var touches = ArrayColumns(2)
        for (session, at) in latest.sorted(by: { $0.key < $1.key }) {
            touches.append([.init(string: session), .init(double: at.sqlSeconds)])
        }
        var tallies = ArrayColumns(4)
        for tally in AuditTally.merged(units.flatMap(\.unit.auditTallies)) {
            tallies.append([.init(int64: tally.minute), .init(string: tally.type), .init(string: tally.rule),
                            .init(int64: tally.count)])
        }
        let binds: [PostgresData] = [.init(int64: end.sequence), .init(string: end.hash), .init(int64: head.sequence),
                                     .init(string: head.hash)]
            + challenges.arrays(Self.challengeTypes) + touches.arrays([.text, .float8])
            + events.arrays(Self.eventTypes) + tallies.arrays([.int8, .text, .text, .int8])
        do {
            _ = try await lease.prepared(Self.batchSQL, binds)
        } catch let error as PostgresError {
            // This API reports PostgreSQL's refusals as `.server`.
            guard case .server = error else { throw error }
            return refused()
        }
        return applied(results, end: end)
    }

    private static let challengeTypes: [PostgresDataType] = [
        .text, .text, .text, .text, .text, .text, .text, .float8, .float8, .int8, .text, .float8, .text,
    ]
    private static let eventTypes: [PostgresDataType] = [.int8, .text, .float8, .text, .text, .text, .text, .text,
                                                         .text, .text]

    /// The statement ``preparedStatement(_:after:on:)`` runs (its only column is text: see `Lease.prepared`).
    static let batchSQL = """
        WITH head AS (UPDATE audit_head SET sequence = $1, hash = $2 WHERE id = 1 AND sequence = $3 AND hash = $4
                RETURNING 1),
            challenges AS (INSERT INTO challenges (id, user_id, session_id, action, requirement, binding_hash, display,
                    created_at, expires_at, attempts_left, status, satisfied_at, policy_version)
                SELECT * FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                    $11::text[], $12::float8[], $13::float8[], $14::int8[], $15::text[], $16::float8[], $17::text[])),
            touches AS (UPDATE sessions SET last_seen_at = t.at FROM unnest($18::text[], $19::float8[]) AS t (id, at)
                WHERE sessions.id = t.id AND sessions.last_seen_at < t.at),
            events AS (INSERT INTO audit_events (sequence, type, occurred_at, user_id, session_id, ip, policy_version,
                    details, previous_hash, hash)
                SELECT * FROM unnest($20::int8[], $21::text[], $22::float8[], $23::text[], $24::text[], $25::text[],
                    $26::text[], $27::text[], $28::text[], $29::text[])),
            tallies AS (INSERT INTO audit_tallies (minute, event_type, rule, count)
                SELECT * FROM unnest($30::int8[], $31::text[], $32::text[], $33::int8[])
                ON CONFLICT (minute, event_type, rule) DO UPDATE SET count = audit_tallies.count + excluded.count)
        SELECT (1 / (SELECT count(*)::integer FROM head))::text AS applied
        """

    /// The audit rows of `units`' events chained after `head`, each unit's events, and the new head.
    private static func chain(_ units: [PreparedUnit], after head: AuditHead)
        -> (rows: [SQLQueryString], results: [[AuditEvent]], head: AuditHead)
    {
        var head = head
        var rows: [SQLQueryString] = []
        var results: [[AuditEvent]] = []
        for unit in units {
            var events: [AuditEvent] = []
            for (draft, details) in zip(unit.unit.auditEvents, unit.detailTexts) {
                let event = AuditChain.next(after: head, draft, detailsText: details)
                let stored = event.event
                rows.append("""
                    (\(bind: event.sequence), \(bind: stored.type), \(bind: stored.at.sqlSeconds), \(bind: stored.userID),
                    \(bind: stored.sessionID), \(bind: stored.ip), \(bind: stored.policyVersion), \(bind: details),
                    \(bind: event.previousHash), \(bind: event.hash))
                    """)
                head = (event.sequence, event.hash)
                events.append(event)
            }
            results.append(events)
        }
        return (rows, results, head)
    }

    private static func challengeRow(_ challenge: Challenge, _ texts: (requirement: String, display: String))
        -> SQLQueryString
    {
        """
        (\(bind: challenge.id), \(bind: challenge.userID), \(bind: challenge.sessionID),
        \(bind: challenge.action), \(bind: texts.requirement), \(bind: challenge.bindingHash),
        \(bind: texts.display), \(bind: challenge.createdAt.sqlSeconds),
        \(bind: challenge.expiresAt.sqlSeconds), \(bind: Int64(challenge.attemptsLeft)),
        \(bind: challenge.status.rawValue), \(bind: challenge.satisfiedAt?.sqlSeconds),
        \(bind: challenge.policyVersion))
        """
    }

    /// Rows per statement, well under PostgreSQL's 65,535 bind parameters.
    static let rowsPerStatement = 500

    /// Inserts every unit's challenges; a taken id inserts nothing and fails its unit (``UnitFailure``).
    private static func insertChallenges(_ units: [PreparedUnit], on database: any SQLDatabase) async throws {
        var rows: [(id: String, values: SQLQueryString)] = []
        for unit in units {
            for (challenge, texts) in zip(unit.unit.challenges, unit.challengeTexts) {
                rows.append((challenge.id, challengeRow(challenge, texts)))
            }
        }
        for chunk in rows.chunks(of: rowsPerStatement) {
            let inserted = try await database.raw("""
                INSERT INTO challenges (id, user_id, session_id, action, requirement, binding_hash, display,
                    created_at, expires_at, attempts_left, status, satisfied_at, policy_version)
                VALUES \(chunk.map(\.values).joined(separator: ", "))
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """).all()
            if inserted.count != chunk.count {
                let taken = Set(chunk.map(\.id)).subtracting(try inserted.map { try $0.string("id") })
                throw UnitFailure(StoreError.conflict("challenge \(taken.sorted().first ?? "?")"))
            }
        }
    }

    /// Appends the audit rows and, in the last statement, moves the head to `head`.
    private static func appendAudit(_ rows: [SQLQueryString], head: (sequence: Int64, hash: String), moved: Bool,
                                    on database: any SQLDatabase) async throws {
        let chunks = rows.chunks(of: rowsPerStatement)
        for (index, chunk) in chunks.enumerated() {
            let insert: SQLQueryString = """
                INSERT INTO audit_events (sequence, type, occurred_at, user_id, session_id, ip, policy_version,
                    details, previous_hash, hash)
                VALUES \(chunk.joined(separator: ", "))
                """
            if index == chunks.count - 1, moved {
                try await database.raw("""
                    WITH appended AS (\(insert))
                    UPDATE audit_head SET sequence = \(bind: head.sequence), hash = \(bind: head.hash) WHERE id = 1
                    """).run()
            } else {
                try await database.raw(insert).run()
            }
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// A unit's own failure inside a batch (a taken challenge id): the batch runs again without it.
struct UnitFailure: Error {
    let error: any Error
    init(_ error: any Error) { self.error = error }
}

/// The audit chain's head: the last event's sequence number and hash.
typealias AuditHead = (sequence: Int64, hash: String)

/// A table's rows gathered column by column, to be bound as one array per column (`unnest`).
private struct ArrayColumns {
    private var columns: [[PostgresData?]]

    init(_ count: Int) { columns = Array(repeating: [], count: count) }

    mutating func append(_ row: [PostgresData?]) {
        for (index, value) in row.enumerated() { columns[index].append(value) }
    }

    func arrays(_ types: [PostgresDataType]) -> [PostgresData] {
        zip(columns, types).map { PostgresData(array: $0, elementType: $1) }
    }
}

private extension Optional where Wrapped == PostgresData {
    /// Text, or SQL NULL.
    static func text(_ value: String?) -> PostgresData? { value.map { PostgresData(string: $0) } }
    /// Seconds since 1970, or SQL NULL.
    static func seconds(_ date: Date?) -> PostgresData? { date.map { PostgresData(double: $0.sqlSeconds) } }
}
