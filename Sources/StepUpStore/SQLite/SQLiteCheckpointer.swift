import Dispatch
import StepUpCore
import Synchronization
import VaporCSQLite

/// Copies the write-ahead log back into the database file on its own thread, so no commit waits for it.
///
/// By default SQLite checkpoints inside the commit that pushes the WAL past 1,000 pages: that commit, and every
/// request whose unit of work shares its batch, then waits for the copy and its `fsync`s — a stall of
/// milliseconds every few hundred commits, which is what a decision's p99 sees. The group-commit writer's
/// connection instead reports the WAL's size after each commit (SQLite's WAL hook, which also turns its automatic
/// checkpoint off), and past the threshold this checkpointer runs a PASSIVE checkpoint on its own connection:
/// it never blocks the writer nor readers, and copies whatever frames no reader still needs. Durability is
/// unchanged (a checkpoint only moves committed pages); the pool's own connections keep SQLite's automatic
/// checkpoint for the rare writes they make, but only past a WAL length this checkpointer never lets a busy WAL
/// reach (`SQLiteTuning.poolCheckpointPages`).
///
/// **How often.** A checkpoint starts once a threshold's worth of frames was written *since the last one*, not
/// once the WAL is longer than the threshold (SQLite's own rule). The WAL only starts over when a writer begins on
/// a fully copied WAL, which a busy writer rarely finds; with the length rule, every commit past 1,000 frames ran
/// another checkpoint and its two `fsync`s — 0.13 `fsync`s per decision at 5,700 decisions/s, and with `fsync`s
/// made free the half-peak p99 fell from 5–18 ms to 2–3 ms. So that the WAL still starts over, once it is longer
/// than ``restartPages`` the writer copies the last frames itself, between two batches (a short pause: the
/// checkpointer has copied all but the last few hundred frames), and its next transaction finds the WAL fully
/// copied and starts it over — unless a reader is still inside it, in which case it asks again a threshold later.
final class SQLiteCheckpointer: Sendable {
    /// Frames written since the last checkpoint after which the next starts (SQLite's own default size).
    static let thresholdPages: Int32 = 1_000
    /// WAL length (frames, ~32 MiB) past which the writer copies the last frames itself so the WAL starts over.
    static let restartPages: Int32 = 8_000

    private let queue = DispatchQueue(label: "stepup.sqlite.checkpoint")
    /// Used only on `queue`.
    private let connection: RawSQLiteConnection
    private let scheduled = Atomic<Bool>(false)
    private let runs = Atomic<Int>(0)
    /// The WAL's length in frames when the last checkpoint ended.
    private let checkpointedAt = Atomic<Int32>(0)
    /// The WAL's length when the writer was last asked to copy its last frames, and whether it still has to.
    private let restartAskedAt = Atomic<Int32>(0)
    private let restartWanted = Atomic<Bool>(false)
    /// Frames the writer reported writing, and the WAL length it last reported (for tests: checkpoints start once
    /// per threshold's worth of frames).
    let framesWritten = Atomic<Int>(0)
    private let lastLength = Atomic<Int32>(0)
    /// The two limits (test seams: small values let a test cross them with a few hundred commits).
    let threshold = Atomic<Int32>(SQLiteCheckpointer.thresholdPages)
    let restartLength = Atomic<Int32>(SQLiteCheckpointer.restartPages)

    init(connection: RawSQLiteConnection) {
        self.connection = connection
    }

    /// Checkpoints run since the store opened.
    var checkpoints: Int { runs.load(ordering: .relaxed) }

    /// The writer's WAL now holds `pages` frames (called by the writer's connection after each commit): start a
    /// checkpoint if a threshold's worth were written since the last one (or since the WAL started over) and none
    /// is under way; past ``restartPages``, ask the writer to copy the last frames itself (``copyForRestartIfAsked(on:)``).
    func walGrew(to pages: Int32) {
        let previous = lastLength.exchange(pages, ordering: .relaxed)
        framesWritten.add(Int(pages >= previous ? pages - previous : pages), ordering: .relaxed)
        let threshold = threshold.load(ordering: .relaxed)
        if pages >= restartLength.load(ordering: .relaxed) {
            let asked = restartAskedAt.load(ordering: .relaxed)
            if pages < asked || pages - asked >= threshold {
                restartAskedAt.store(pages, ordering: .relaxed)
                restartWanted.store(true, ordering: .releasing)
            }
        }
        let base = checkpointedAt.load(ordering: .relaxed)
        let written = pages >= base ? pages - base : pages  // shorter than at the last checkpoint: it started over
        guard written >= threshold, !scheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async {
            let length = (try? self.connection.checkpointPassive().length) ?? 0
            self.checkpointedAt.store(length, ordering: .relaxed)
            self.runs.add(1, ordering: .relaxed)
            self.scheduled.store(false, ordering: .releasing)
        }
    }

    /// Whether the writer is asked to copy the WAL's last frames before its next batch (a checkpoint that syncs:
    /// not for a request's own thread).
    var restartAsked: Bool { restartWanted.load(ordering: .acquiring) }

    /// On the writer's connection, between two batches: when asked (``walGrew(to:)``), copies the WAL's last frames
    /// so the writer's next transaction can start the WAL over. Whether it ran.
    func copyForRestartIfAsked(on writer: RawSQLiteConnection) -> Bool {
        guard restartWanted.exchange(false, ordering: .acquiringAndReleasing) else { return false }
        let outcome = try? writer.checkpointPassive()
        writerCheckpointed(busy: outcome?.busy ?? false, complete: outcome?.complete ?? false)
        return true
    }

    /// How the writer's own checkpoint went. `busy`: this checkpointer's was running, and the writer's did nothing
    /// (which costs nothing), so it tries again before its next batch. Not `complete`: a reader still needed frames;
    /// it tries again up to ``restartRetryLimit`` batches in a row (each such try copies and syncs), and after that
    /// (a long read, a backup) only once another threshold's worth of frames was written.
    private func writerCheckpointed(busy: Bool, complete: Bool) {
        if busy {
            restartWanted.store(true, ordering: .releasing)
        } else if complete {
            restartRetries.store(0, ordering: .relaxed)
        } else if restartRetries.add(1, ordering: .relaxed).newValue <= Self.restartRetryLimit {
            restartWanted.store(true, ordering: .releasing)
        } else {
            restartRetries.store(0, ordering: .relaxed)
        }
    }

    /// Consecutive batches before which the writer tries again to copy the WAL's last frames.
    static let restartRetryLimit = 8
    private let restartRetries = Atomic<Int>(0)

    /// Lets a running checkpoint finish, then closes the connection.
    func close() {
        queue.sync { connection.close() }
    }
}

extension RawSQLiteConnection {
    /// Reports the WAL's size in pages to `checkpointer` after each commit on this connection, instead of
    /// checkpointing in the commit. The checkpointer must outlive the connection (or call `stopReportingWAL`).
    func reportWAL(to checkpointer: SQLiteCheckpointer) throws {
        try withHandle { handle in
            let context = Unmanaged.passUnretained(checkpointer).toOpaque()
            _ = sqlite_nio_sqlite3_wal_hook(handle, { context, _, _, pages in
                guard let context else { return SQLITE_OK }
                Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue().walGrew(to: pages)
                return SQLITE_OK
            }, context)
        }
    }

    /// Copies the frames no reader still needs into the database file, without waiting for readers or writers:
    /// the WAL's length in frames, whether another checkpoint was running (`busy`: nothing was done), and whether
    /// every frame is now in the database file.
    @discardableResult
    func checkpointPassive() throws -> (length: Int32, busy: Bool, complete: Bool) {
        try withHandle { handle in
            var length: Int32 = 0
            var copied: Int32 = 0
            let status = sqlite_nio_sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &length, &copied)
            guard status == SQLITE_OK || status == SQLITE_BUSY else {
                throw StoreError.backend("SQLite checkpoint failed (\(status))")
            }
            return (max(length, 0), status == SQLITE_BUSY, status == SQLITE_OK && copied == length)
        }
    }
}
