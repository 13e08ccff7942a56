import Dispatch
import Foundation
import NIOCore
import NIOPosix
import StepUpCore
import Synchronization

/// Group commit for SQLite: the units of work of concurrent requests are written in one transaction, and each
/// request is answered when that transaction has committed.
///
/// One connection writes, used by one writer at a time. A request's unit joins the queue; if the writer is idle it
/// starts (a lone request waits for nobody), and while a transaction commits, new units gather for the next one.
/// The writer's first turn runs on the event loop of the request that found it idle, queued behind what that loop
/// already has to run: the requests the loop read in the same pass reach their commits first and join the
/// transaction, and the loop's requests are answered in place, with no thread woken. What gathered meanwhile goes
/// to the writer's own serial queue, which drains until nothing waits (turn after turn on a loop kept the writer
/// there under sustained load and measured worse tails). The queue takes every turn where there is no event loop
/// (Swift's own thread pool, tools, tests) and where every commit syncs, and takes over a loop's turn when the WAL
/// is due to start over (that checkpoint syncs) or another process holds the write lock (waiting for it would stall
/// the loop's connections).
/// A request that finds the writer idle, nothing queued, and no unit arrived for a while before it (``loneGap``)
/// is alone: it commits on its own thread, sparing two thread hand-offs, unless another process holds the write
/// lock (then the queue waits for it) or the WAL is due to start over (that checkpoint syncs). Committing on the
/// request's thread whenever the writer was idle, even a moment, was tried: under load it blocks cooperative
/// threads per commit and cost a tenth of the throughput.
/// Inside the transaction each unit is a savepoint: a unit that fails (a taken challenge id) fails alone, while
/// a transaction that fails (the disk, the commit) fails every unit in it and acknowledges none. Audit events are
/// chained in queue order from the head read inside the transaction, so the chain stays one line however the
/// batches fall, and across processes (`BEGIN IMMEDIATE` takes SQLite's write lock first).
final class SQLiteGroupCommitter: UnitCommitter {
    /// Test seams: what happens just before a batch commits (slow down a commit like a slow `fsync`, or fail it).
    struct Hooks: Sendable {
        var beforeCommit: (@Sendable (_ units: Int) throws -> Void)?
        /// Every unit goes to the writer, as in a crowd: none is committed alone (see ``loneGap``).
        var neverAlone = false
    }

    private struct State {
        var pending: [WaitingCommit] = []
        /// A batch is being written (on the queue, or by a lone request on its own thread).
        var draining = false
        var closed = false
        /// When the last unit arrived (`DispatchTime` nanoseconds).
        var lastArrival: UInt64 = 0
    }

    /// How long before a request no other unit may have arrived for it to commit on its own thread: such a request
    /// is alone, and handing its unit to the writer's thread and back would cost more than the commit. Measured
    /// from the last arrival, not from the writer's last commit: one connection's decisions arrive ~300 µs apart
    /// but find the writer idle for only ~250 µs, so an idle-time rule sent a quarter of them through the writer's
    /// thread. Under load units arrive closer together and batch as usual.
    static let loneGap: UInt64 = 200_000

    /// Units in the largest batch; the rest wait for the next.
    static let maxBatch = 512

    private let queue = DispatchQueue(label: "stepup.sqlite.group-commit")
    /// Whether a lone request may commit on its own thread, and the writer start on an event loop.
    private let commitsAlone: Bool
    /// Used by whoever set `draining`: the queue, a loop's turn, or a lone request.
    private let connection: RawSQLiteConnection
    private let state = Mutex(State())
    private let roundTrips: RoundTrips
    /// Checkpoints the WAL this connection writes (see ``SQLiteCheckpointer``); closed after the connection.
    let checkpointer: SQLiteCheckpointer
    let hooks: TestSeams<Hooks>
    /// Transactions committed, and units in them, since the store opened.
    let committed = Mutex((transactions: 0, units: 0))
    /// Transactions lone requests committed on their own threads (see ``loneGap``).
    let aloneCommits = Atomic<Int>(0)
    /// Transactions the writer committed on event loops (the rest: alone, or on the writer's queue).
    let loopCommits = Atomic<Int>(0)
    /// Turns on event loops that found another connection holding the write lock and left it to the queue.
    let loopTurnsHandedOver = Atomic<Int>(0)
    /// Checkpoints the writer ran itself so the WAL could start over (see ``SQLiteCheckpointer``).
    let restarts = Atomic<Int>(0)

    /// - Parameter commitsAlone: whether a lone request may commit on its own thread (see ``loneGap``): not when
    ///   every commit syncs the WAL (`synchronous = full`), which would hold that thread for the sync.
    init(connection: RawSQLiteConnection, checkpointer: SQLiteCheckpointer, roundTrips: RoundTrips,
         commitsAlone: Bool = true) {
        self.commitsAlone = commitsAlone
        self.connection = connection
        self.checkpointer = checkpointer
        self.roundTrips = roundTrips
        self.hooks = TestSeams(Hooks())
    }

    /// Commits `unit` with whatever else is waiting; returns its appended audit events once committed.
    func commit(_ unit: UnitOfWork) async throws -> [AuditEvent] {
        let prepared = try PreparedUnit(unit)
        let arrived = DispatchTime.now().uptimeNanoseconds
        // A test's hook that holds a commit (a slow sync) holds it on the writer's thread, as a slow disk would.
        let alone = commitsAlone && !checkpointer.restartAsked
            && (hooks.current.map({ $0.beforeCommit == nil && !$0.neverAlone }) ?? true)
            && state.withLock { state in
                defer { state.lastArrival = arrived }
                guard !state.closed, !state.draining, state.pending.isEmpty,
                      arrived &- state.lastArrival >= Self.loneGap else { return false }
                state.draining = true
                return true
            }
        if alone {
            if let events = try commitAlone(prepared) { return events }
            // Another process holds the write lock: wait for it on the writer's thread, not on this one.
            return try await withCheckedThrowingContinuation { continuation in
                state.withLock { $0.pending.insert(WaitingCommit(unit: prepared, continuation: continuation), at: 0) }
                queue.async { self.drain() }
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let start: Bool? = state.withLock { state in
                if state.closed { return nil }
                state.pending.append(WaitingCommit(unit: prepared, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            switch start {
            case nil: continuation.resume(throwing: StoreError.backend("the database is closed"))
            case true?: startWriter()
            case false?: break
            }
        }
    }

    /// A lone request's unit, on its own thread; what arrived meanwhile goes to the writer's queue. `nil` when
    /// another connection holds the write lock (the writer is still this request's to hand over).
    private func commitAlone(_ unit: PreparedUnit) throws -> [AuditEvent]? {
        guard beginWithoutWaiting() else { return nil }
        let result = run([unit], begun: true)[0]
        aloneCommits.add(1, ordering: .relaxed)
        if !state.withLock({ Self.goIdleIfNothingWaits(&$0) }) { startWriter() }
        return try result.get()
    }

    /// Starts the writer: one turn on the current event loop, behind what it has queued, or on the writer's queue.
    private func startWriter() {
        if commitsAlone, hooks.current?.beforeCommit == nil,
           let loop = MultiThreadedEventLoopGroup.currentEventLoop {
            loop.execute { self.turnOnLoop() }
        } else {
            queue.async { self.drain() }
        }
    }

    /// On an event loop: one transaction of what is pending; what gathered meanwhile goes to the writer's queue.
    /// Hands the writer to its queue for a WAL restart's checkpoint, and when another process holds the write lock.
    private func turnOnLoop() {
        if checkpointer.restartAsked {
            queue.async { self.drain() }
            return
        }
        guard let batch = nextBatch() else { return }
        guard beginWithoutWaiting() else {
            state.withLock { $0.pending.insert(contentsOf: batch, at: 0) }
            loopTurnsHandedOver.add(1, ordering: .relaxed)
            queue.async { self.drain() }
            return
        }
        let results = run(batch.map(\.unit), begun: true)
        loopCommits.add(1, ordering: .relaxed)
        WaitingCommit.answer(batch, with: results)
        if !state.withLock({ Self.goIdleIfNothingWaits(&$0) }) { queue.async { self.drain() } }
    }

    /// `BEGIN IMMEDIATE` unless another connection holds the write lock (then false at once, without waiting).
    private func beginWithoutWaiting() -> Bool {
        let database = connection
        return (try? database.withoutWaiting({ try database.execute("BEGIN IMMEDIATE") })) != nil
    }

    /// The next transaction's units, taken from the pending ones; `nil` (and the writer idle) when none wait.
    private func nextBatch() -> [WaitingCommit]? {
        state.withLock { state in
            guard !Self.goIdleIfNothingWaits(&state) else { return nil }
            let count = min(state.pending.count, Self.maxBatch)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return batch
        }
    }

    /// Ends the writer's turn when nothing is pending; whether it did.
    private static func goIdleIfNothingWaits(_ state: inout State) -> Bool {
        guard state.pending.isEmpty else { return false }
        state.draining = false
        return true
    }

    /// Statements the writer compiled (for tests: they are prepared once). Read only while no commit runs.
    var preparedStatements: Int { connection.preparations }

    /// Runs what is queued, then closes the connection. Later commits fail.
    func close() async {
        state.withLock { $0.closed = true }
        // A lone request or an event loop's turn may be writing: let it finish before the connection goes.
        while state.withLock({ $0.draining }) { try? await Task.sleep(for: .milliseconds(1)) }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                self.connection.close()
                self.checkpointer.close()
                done.resume()
            }
        }
    }

    /// On `queue`: one transaction per turn until nothing waits.
    private func drain() {
        while let batch = nextBatch() {
            // A long WAL: its last frames are copied here, so the next transaction can start it over.
            if checkpointer.copyForRestartIfAsked(on: connection) { restarts.add(1, ordering: .relaxed) }
            let results = run(batch.map(\.unit))
            WaitingCommit.answer(batch, with: results)
        }
    }

    /// One transaction for `units` (`begun`: its `BEGIN` already ran).
    private func run(_ units: [PreparedUnit], begun: Bool = false) -> [Result<[AuditEvent], any Error>] {
        let database = connection
        roundTrips.count(.write)
        do {
            if !begun { try database.execute("BEGIN IMMEDIATE") }
            var head = try Self.auditHead(database)
            let start = head
            var tallies: [AuditTally] = []
            var results: [Result<[AuditEvent], any Error>] = []
            for unit in units {
                // A unit of one statement needs no savepoint: SQLite undoes a failed statement by itself.
                let savepoint = unit.statements > 1
                do {
                    if savepoint { try database.execute("SAVEPOINT unit") }
                    var unitHead = head
                    let events = try Self.apply(unit, head: &unitHead, on: database)
                    if savepoint { try database.execute("RELEASE unit") }
                    head = unitHead
                    tallies += unit.unit.auditTallies
                    results.append(.success(events))
                } catch {
                    if savepoint {
                        try? database.execute("ROLLBACK TO unit")
                        try? database.execute("RELEASE unit")
                    }
                    results.append(.failure(error))
                }
            }
            for tally in AuditTally.merged(tallies) {
                try database.execute("""
                    INSERT INTO audit_tallies (minute, event_type, rule, count) VALUES (?, ?, ?, ?)
                    ON CONFLICT (minute, event_type, rule) DO UPDATE SET count = count + excluded.count
                    """, [.integer(tally.minute), .text(tally.type), .text(tally.rule), .integer(tally.count)])
            }
            if head.sequence != start.sequence {
                try database.execute("UPDATE audit_head SET sequence = ?, hash = ? WHERE id = 1",
                                     [.integer(head.sequence), .text(head.hash)])
            }
            try hooks.current?.beforeCommit?(units.count)
            try database.execute("COMMIT")
            committed.withLock { $0.transactions += 1; $0.units += units.count }
            return results
        } catch {
            try? database.execute("ROLLBACK")
            let failure = StoreError.backend("the transaction holding this write failed: \(error)")
            return units.map { _ in .failure(failure) }
        }
    }

    private static func auditHead(_ database: RawSQLiteConnection) throws -> (sequence: Int64, hash: String) {
        var head: (sequence: Int64, hash: String)?
        try database.query("SELECT sequence, hash FROM audit_head WHERE id = 1") { row in
            head = (row.int64(0), row.text(1) ?? "")
        }
        guard let head else { throw StoreError.backend("audit_head row is missing") }
        return head
    }

    private static func apply(_ prepared: PreparedUnit, head: inout (sequence: Int64, hash: String),
                              on database: RawSQLiteConnection) throws -> [AuditEvent] {
        for (challenge, texts) in zip(prepared.unit.challenges, prepared.challengeTexts) {
            // One statement: a taken id inserts nothing and returns no row.
            var inserted = false
            try database.query("""
                INSERT INTO challenges (id, user_id, session_id, action, requirement, binding_hash, display,
                    created_at, expires_at, attempts_left, status, satisfied_at, policy_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING 1
                """, [
                    .text(challenge.id), .text(challenge.userID), .text(challenge.sessionID), .text(challenge.action),
                    .text(texts.requirement), .optional(challenge.bindingHash), .text(texts.display),
                    .real(challenge.createdAt.sqlSeconds), .real(challenge.expiresAt.sqlSeconds),
                    .integer(Int64(challenge.attemptsLeft)), .text(challenge.status.rawValue),
                    .optional(challenge.satisfiedAt?.sqlSeconds), .text(challenge.policyVersion),
                ]) { _ in inserted = true }
            if !inserted { throw StoreError.conflict("challenge \(challenge.id)") }
        }
        for touch in prepared.unit.sessionTouches {
            try database.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
                                 [.real(touch.at.sqlSeconds), .text(touch.sessionID), .real(touch.at.sqlSeconds)])
        }
        var events: [AuditEvent] = []
        for (draft, details) in zip(prepared.unit.auditEvents, prepared.detailTexts) {
            let event = AuditChain.next(after: head, draft, detailsText: details)
            let stored = event.event
            try database.execute("""
                INSERT INTO audit_events (sequence, type, occurred_at, user_id, session_id, ip, policy_version,
                    details, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                    .integer(event.sequence), .text(stored.type), .real(stored.at.sqlSeconds),
                    .optional(stored.userID), .optional(stored.sessionID), .optional(stored.ip),
                    .optional(stored.policyVersion), .text(details), .text(event.previousHash), .text(event.hash),
                ])
            head = (event.sequence, event.hash)
            events.append(event)
        }
        return events
    }
}

/// A unit with its JSON columns encoded up front, by the request, not by the writer.
struct PreparedUnit: Sendable {
    var unit: UnitOfWork
    var detailTexts: [String]
    var challengeTexts: [(requirement: String, display: String)]

    /// Statements that change rows (a challenge is checked, then inserted; tallies are written per batch).
    var statements: Int { unit.challenges.count + unit.sessionTouches.count + unit.auditEvents.count }

    init(_ unit: UnitOfWork) throws {
        self.unit = unit
        detailTexts = unit.auditEvents.map { AuditChain.detailsText($0.details) }
        challengeTexts = try unit.challenges.map { (try Self.requirementJSON($0.requirement), AuditChain.detailsText($0.display)) }
    }

    /// Requirements come from a policy's few rules: each is encoded once.
    static func requirementJSON(_ requirement: Requirement) throws -> String {
        if let text = requirementTexts.withLock({ $0[requirement] }) { return text }
        let text = try jsonText(requirement)
        requirementTexts.withLock { texts in
            if texts.count >= 1_000 { texts = [:] }
            texts[requirement] = text
        }
        return text
    }

    private static let requirementTexts = Mutex<[Requirement: String]>([:])
}
