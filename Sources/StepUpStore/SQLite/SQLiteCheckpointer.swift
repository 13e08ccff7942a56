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
/// checkpoint for the rare writes they make.
final class SQLiteCheckpointer: Sendable {
    /// WAL pages after which a checkpoint starts (SQLite's own default).
    static let thresholdPages: Int32 = 1_000

    private let queue = DispatchQueue(label: "stepup.sqlite.checkpoint")
    /// Used only on `queue`.
    private let connection: RawSQLiteConnection
    private let scheduled = Atomic<Bool>(false)
    private let runs = Atomic<Int>(0)

    init(connection: RawSQLiteConnection) {
        self.connection = connection
    }

    /// Checkpoints run since the store opened.
    var checkpoints: Int { runs.load(ordering: .relaxed) }

    /// The writer's WAL now holds `pages` pages: start a checkpoint if it is large and none is under way.
    func walGrew(to pages: Int32) {
        guard pages >= Self.thresholdPages,
              !scheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async {
            try? self.connection.checkpointPassive()
            self.runs.add(1, ordering: .relaxed)
            self.scheduled.store(false, ordering: .releasing)
        }
    }

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

    /// Copies the frames no reader still needs into the database file, without waiting for readers or writers.
    func checkpointPassive() throws {
        try withHandle { handle in
            let status = sqlite_nio_sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            guard status == SQLITE_OK || status == SQLITE_BUSY else {
                throw StoreError.backend("SQLite checkpoint failed (\(status))")
            }
        }
    }
}
