import Foundation
import StepUpCore
import VaporCSQLite

/// A copy of a live SQLite database through SQLite's online backup API (`sqlite3_backup_*`).
///
/// The whole copy is one `sqlite3_backup_step(-1)`: it reads inside one read transaction, so the copy is the
/// database as of one commit, and in WAL mode writers carry on meanwhile (readers never block writers). A
/// running server needs no pause. The copy is written to a temporary file beside `destination` and renamed
/// into place, so a failed backup never leaves a half-written file under the requested name.
public enum SQLiteOnlineBackup {
    /// Copies the database at `source` to `destination`, which must not exist yet.
    /// - Returns: the number of database pages copied.
    @discardableResult
    public static func copy(from source: String, to destination: String) async throws -> Int {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreError.backend("no database at \(source)")
        }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError.conflict("backup file \(destination)")
        }
        // Blocking C calls: run them on their own thread, not on the cooperative pool.
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try copyBlocking(from: source, to: destination) })
            }.start()
        }
    }

    private static func copyBlocking(from source: String, to destination: String) throws -> Int {
        let partial = destination + ".partial-\(getpid())"
        defer { unlink(partial) }
        let from = try open(source, flags: SQLITE_OPEN_READONLY)
        defer { sqlite_nio_sqlite3_close_v2(from) }
        // A writer holding the lock for a moment must not fail the backup.
        sqlite_nio_sqlite3_busy_timeout(from, 5_000)
        let to = try open(partial, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        defer { sqlite_nio_sqlite3_close_v2(to) }
        guard let backup = sqlite_nio_sqlite3_backup_init(to, "main", from, "main") else {
            throw StoreError.backend("cannot start the backup: \(message(to))")
        }
        var status = sqlite_nio_sqlite3_backup_step(backup, -1)
        var retries = 0
        while status == SQLITE_BUSY || status == SQLITE_LOCKED, retries < 200 {
            usleep(25_000)
            retries += 1
            status = sqlite_nio_sqlite3_backup_step(backup, -1)
        }
        let pages = Int(sqlite_nio_sqlite3_backup_pagecount(backup))
        let finished = sqlite_nio_sqlite3_backup_finish(backup)
        guard status == SQLITE_DONE, finished == SQLITE_OK else {
            throw StoreError.backend("backup of \(source) failed: \(message(to)) (status \(status))")
        }
        // The copy keeps the source's WAL mode in its header; fold its own WAL into the file so that the single
        // file is the whole backup.
        guard sqlite_nio_sqlite3_exec(to, "PRAGMA wal_checkpoint(TRUNCATE)", nil, nil, nil) == SQLITE_OK else {
            throw StoreError.backend("backup of \(source) failed: \(message(to))")
        }
        // A copy that does not check out is never put under the requested name.
        let check = try firstText(to, "PRAGMA quick_check")
        guard check == "ok" else { throw StoreError.backend("the backup of \(source) fails quick_check: \(check)") }
        chmod(partial, 0o600)
        guard link(partial, destination) == 0 else {
            // `link` refuses to replace a file that appeared meanwhile: never overwrite one.
            throw errno == EEXIST ? StoreError.conflict("backup file \(destination)")
                : StoreError.backend("cannot write \(destination): \(String(cString: strerror(errno)))")
        }
        return pages
    }

    private static func open(_ path: String, flags: Int32) throws -> OpaquePointer? {
        var handle: OpaquePointer?
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK else {
            let reason = handle.map(message) ?? "out of memory"
            sqlite_nio_sqlite3_close_v2(handle)
            throw StoreError.backend("cannot open \(path): \(reason)")
        }
        return handle
    }

    /// The first column of the first row of `sql`.
    private static func firstText(_ handle: OpaquePointer?, _ sql: String) throws -> String {
        var statement: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw StoreError.backend("\(sql): \(message(handle))")
        }
        defer { sqlite_nio_sqlite3_finalize(statement) }
        guard sqlite_nio_sqlite3_step(statement) == SQLITE_ROW, let text = sqlite_nio_sqlite3_column_text(statement, 0)
        else { throw StoreError.backend("\(sql): \(message(handle))") }
        return String(cString: text)
    }

    private static func message(_ handle: OpaquePointer?) -> String {
        String(cString: sqlite_nio_sqlite3_errmsg(handle))
    }
}
