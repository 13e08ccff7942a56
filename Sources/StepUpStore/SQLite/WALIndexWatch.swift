import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells, without a lock or a system call, whether any connection of any process has committed to a WAL-mode
/// SQLite database since a moment: the WAL index (the `-shm` file every connection maps) starts with a header
/// whose `iChange` counter every transaction increments (https://www.sqlite.org/walformat.html, "The WAL-Index
/// Header"). The change feed reads the database only when the counter moved since the last read began.
final class WALIndexWatch: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    private static let length = 4_096

    /// Maps the first page of `<database>-shm` read-only; `nil` when there is none (not in WAL mode, an in-memory
    /// database, or a WAL index kept in heap memory under an exclusive lock).
    init?(database path: String) {
        let descriptor = open(path + "-shm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        // The header must be there: SQLite writes it when the first connection opens the database in WAL mode.
        guard fstat(descriptor, &status) == 0, status.st_size >= 136 else { return nil }
        guard let mapped = mmap(nil, Self.length, PROT_READ, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED
        else { return nil }
        base = mapped
    }

    deinit { munmap(base, Self.length) }

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

    /// Stops reading the counter, and returns once no reader is loading it. Call before the database's
    /// connections close: once this process holds none, the next process to open the database may truncate the
    /// `-shm` file, and a load from a truncated mapping would stop the process (`SIGBUS`).
    func retire() {
        retired.store(true, ordering: .sequentiallyConsistent)
        while loading.load(ordering: .sequentiallyConsistent) != 0 { sched_yield() }
    }
}
