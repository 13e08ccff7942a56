import Foundation
import Synchronization
import VaporCSQLite

/// Tells, without a lock or a system call, whether any connection of any process has committed to a WAL-mode
/// SQLite database since a moment: the WAL index (the `-shm` file every connection maps) starts with a header
/// whose `iChange` counter every transaction increments (https://www.sqlite.org/walformat.html, "The WAL-Index
/// Header"). The change feed reads the database only when the counter moved since the last read began.
///
/// The header is read through **SQLite's own mapping** of the WAL index, which the VFS of `connection` made — never
/// through a descriptor of this type's own. SQLite's locks on the `-shm` file are POSIX advisory locks, and closing
/// *any* descriptor of a file releases every such lock the process holds on it
/// (https://www.sqlite.org/howtocorrupt.html, section 2.2): an `open` + `close` of the `-shm` file here dropped the
/// lock that tells other processes this one uses the WAL index, and the next `stepup backup` or `stepup audit export`
/// took it as the sole user, truncated the file under the server's mapping, and the server died of `SIGBUS` (or
/// failed with `SQLITE_PROTOCOL`).
final class WALIndexWatch: @unchecked Sendable {
    private let base: UnsafeRawPointer
    /// Keeps SQLite's mapping alive: it lasts while a connection of this process has the database open.
    private let connection: RawSQLiteConnection

    /// SQLite's mapping of the WAL index's first region, as `connection` uses it; `nil` when the database has none
    /// (not in WAL mode, an in-memory database, or a WAL index kept in heap memory under an exclusive lock).
    /// `connection` must stay open until ``retire()`` and must not be in use by another thread meanwhile.
    init?(connection: RawSQLiteConnection) {
        var mode: String?
        // A read transaction first: it attaches the connection to the WAL index the way SQLite itself does.
        guard (try? connection.query("PRAGMA journal_mode") { mode = $0.text(0) }) != nil, mode == "wal",
              (try? connection.execute("SELECT count(*) FROM sqlite_master")) != nil,
              let region = try? connection.withHandle(Self.firstRegion)
        else { return nil }
        base = region
        self.connection = connection
    }

    /// Region 0 of the WAL index through the VFS's `xShmMap` (without extending it: nil if SQLite has not made it).
    private static func firstRegion(_ handle: OpaquePointer) -> UnsafeRawPointer? {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite_nio_sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
              let file, let methods = file.pointee.pMethods, methods.pointee.iVersion >= 2,
              let map = methods.pointee.xShmMap
        else { return nil }
        var region: UnsafeMutableRawPointer?
        guard map(file, 0, 32_768, 0, &region) == SQLITE_OK, let region else { return nil }
        return UnsafeRawPointer(region)
    }

    /// Readers between `retire()`'s check and their load (see ``retire()``).
    private let loading = Atomic<Int>(0)
    private let retired = Atomic<Bool>(false)

    /// The header's transaction counter (first copy, offset 8, native byte order); `nil` once retired. The writer
    /// updates the header under its write lock and with memory barriers; a 4-byte aligned load is never torn.
    var changeCounter: UInt32? {
        loading.add(1, ordering: .acquiring)
        defer { loading.subtract(1, ordering: .releasing) }
        guard !retired.load(ordering: .acquiring) else { return nil }
        let counter = base.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        // What the caller reads next (the feed's own read) is ordered after this load.
        atomicMemoryFence(ordering: .acquiring)
        return counter
    }

    /// Stops reading the counter, and returns once no reader is loading it. Call before the connection closes:
    /// SQLite unmaps the WAL index when the process's last connection to the database closes.
    func retire() {
        retired.store(true, ordering: .sequentiallyConsistent)
        while loading.load(ordering: .sequentiallyConsistent) != 0 { sched_yield() }
    }
}
