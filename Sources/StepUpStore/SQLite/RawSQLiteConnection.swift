import Foundation
import StepUpCore
// The SQLite library sqlite-nio vendors (symbols prefixed `sqlite_nio_`). The hot path calls it directly, because
// sqlite-nio's API prepares every statement again and hops to a thread pool for each one; using the same copy
// of SQLite as sqlite-nio matters: two copies in one process would release each other's POSIX file locks.
import VaporCSQLite

/// One SQLite connection used synchronously by its owner, with its statements prepared once.
///
/// Not thread-safe (hence `@unchecked Sendable`): the group-commit writer confines its connection to one serial
/// queue, the change-feed reader guards its connection with a mutex.
final class RawSQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// Kept alive with the connection: SQLite's busy handler holds an unretained pointer to it.
    private let busy = BusyWait()
    /// Statements compiled since opening: first preparations, plus SQLite's own re-preparations.
    var preparations: Int {
        statements.count + statements.values.reduce(0) {
            $0 + Int(sqlite_nio_sqlite3_stmt_status($1, SQLITE_STMTSTATUS_REPREPARE, 0))
        }
    }

    /// Opens `path` read-write (it must exist), with the same per-connection settings as the pool's connections.
    init(path: String, busyTimeoutMilliseconds: Int, tuning: SQLiteTuning) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        let status = sqlite_nio_sqlite3_open_v2(path, &opened, flags, nil)
        handle = opened
        guard status == SQLITE_OK else {
            let message = opened.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            close()
            throw StoreError.backend("cannot open \(path): \(message)")
        }
        waitBriefly(opened, upTo: busyTimeoutMilliseconds)
        for pragma in tuning.pragmas { try execute(pragma) }
    }

    deinit { close() }

    /// While another connection holds the write lock, retries after 25 µs, doubling up to 1 ms, until
    /// `milliseconds` have passed on the clock (not by counting sleeps, which a loaded machine stretches). SQLite's
    /// own busy timeout sleeps 1, 2, 5, 10 ms… between tries: a group commit that finds a sign-in's short write
    /// under way would wait milliseconds for a lock held for a tenth of one, and every decision in the batch with
    /// it (the login-storm p99).
    private func waitBriefly(_ handle: OpaquePointer?, upTo milliseconds: Int) {
        busy.budgetNanoseconds = UInt64(max(0, milliseconds)) * 1_000_000
        sqlite_nio_sqlite3_busy_handler(handle, { context, tries in
            guard let context else { return 0 }
            let busy = Unmanaged<BusyWait>.fromOpaque(context).takeUnretainedValue()
            let now = DispatchTime.now().uptimeNanoseconds
            if tries == 0 { busy.started = now }
            guard now &- busy.started < busy.budgetNanoseconds else { return 0 }
            usleep(UInt32(tries < 6 ? 25 << tries : 1_000))
            return 1
        }, Unmanaged.passUnretained(busy).toOpaque())
    }

    /// Runs `body` with no wait for a lock another connection holds: a statement that would wait fails at once with
    /// `SQLITE_BUSY` instead.
    func withoutWaiting<T>(_ body: () throws -> T) rethrows -> T {
        let budget = busy.budgetNanoseconds
        busy.budgetNanoseconds = 0
        defer { busy.budgetNanoseconds = budget }
        return try body()
    }

    /// The busy handler's state: used only by the thread running a statement on this connection.
    private final class BusyWait {
        var started: UInt64 = 0
        var budgetNanoseconds: UInt64 = 0
    }

    /// Finalizes every statement and closes the connection; later calls fail.
    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one statement, discarding rows.
    func execute(_ sql: String, _ binds: [RawSQLiteValue] = []) throws {
        try query(sql, binds) { _ in }
    }

    /// Runs one statement (prepared on first use, then reused), calling `row` for each result row.
    func query(_ sql: String, _ binds: [RawSQLiteValue] = [], row: (RawSQLiteRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (index, value) in binds.enumerated() {
            try check(value.bind(to: statement, at: Int32(index + 1)), sql)
        }
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { try check(status, sql); return }
            try row(RawSQLiteRow(statement: statement))
        }
    }

    /// Runs `body` with the open handle, for the few C calls this type does not wrap.
    func withHandle<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let handle else { throw StoreError.backend("the database is closed") }
        return try body(handle)
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        guard let handle else { throw StoreError.backend("the database is closed") }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw StoreError.backend("SQLite cannot prepare \(sql.prefix(60)): \(message)")
        }
        statements[sql] = statement
        return statement
    }

    private func check(_ status: Int32, _ sql: String) throws {
        guard status == SQLITE_OK || status == SQLITE_ROW || status == SQLITE_DONE else {
            throw StoreError.backend("SQLite error \(status) in \(sql.prefix(60)): \(message)")
        }
    }

    private var message: String {
        handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "the database is closed"
    }
}

/// A value bound to a statement parameter, stored the way sqlite-nio stores it (so SQLKit reads it back).
enum RawSQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    static func optional(_ text: String?) -> RawSQLiteValue { text.map { .text($0) } ?? .null }
    static func optional(_ seconds: Double?) -> RawSQLiteValue { seconds.map { .real($0) } ?? .null }

    fileprivate func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
        case .integer(let value): return sqlite_nio_sqlite3_bind_int64(statement, index, value)
        case .real(let value): return sqlite_nio_sqlite3_bind_double(statement, index, value)
        case .text(let value):
            return sqlite_nio_sqlite3_bind_text64(statement, index, value, UInt64(value.utf8.count), rawTransient,
                                                  UInt8(SQLITE_UTF8))
        }
    }
}

/// SQLite copies bound text before the call returns.
private let rawTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// The current row of a stepping statement; valid only inside the row callback.
struct RawSQLiteRow {
    fileprivate let statement: OpaquePointer

    func int64(_ column: Int32) -> Int64 { sqlite_nio_sqlite3_column_int64(statement, column) }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }
}

/// Per-connection settings, applied to every connection of a store (pool and raw).
struct SQLiteTuning: Sendable {
    var synchronous: SQLiteSynchronous = .normal
    /// Bytes of the file read through a memory map (0: none).
    var mmapBytes = 268_435_456

    /// WAL pages past which a pooled connection checkpoints after its own commit.
    static let poolCheckpointPages = 20_000

    var pragmas: [String] {
        [
            "PRAGMA foreign_keys = ON",
            // With WAL, NORMAL syncs at checkpoints only: a committed transaction survives the process dying
            // (it is in the OS's cache), and power loss can lose the last commits but never corrupts the file.
            // FULL also syncs the WAL at every commit; group commit makes that one sync per batch.
            "PRAGMA synchronous = \(synchronous.rawValue.uppercased())",
            // Reads from the mapped file instead of copying pages through read(2).
            "PRAGMA mmap_size = \(mmapBytes)",
            "PRAGMA temp_store = MEMORY",
            // The pooled connections' own checkpoint, for their rare writes: only past a WAL length the decision
            // writer's checkpointer never lets a busy WAL reach (see SQLiteCheckpointer), so it runs when nothing
            // else copies the WAL back. At SQLite's default (1,000 pages) every sign-in's commit ran a checkpoint and
            // its two fsyncs, and the decision writer's appends waited on WAL pages still being written back.
            "PRAGMA wal_autocheckpoint = \(Self.poolCheckpointPages)",
        ]
    }
}

/// SQLite's `synchronous` setting in WAL mode, as the configuration names it.
public enum SQLiteSynchronous: String, Sendable, CaseIterable {
    case normal
    case full
}
