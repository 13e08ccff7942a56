#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The big block matrix. On Linux it is mapped directly and marked for transparent huge pages: a 64 MiB
/// hash otherwise takes 16384 page faults, a sizeable share of its time.
///
/// A finished hash hands its mapping to ``Argon2MemoryReserve`` instead of unmapping it, and the next hash of the
/// same size takes it from there, already faulted in. Mapping, faulting and unmapping 64 MiB per hash takes the
/// process's memory-map lock for the whole of it; the hashing threads run at idle priority, so under a sign-in
/// storm with busy cores such a thread was preempted while holding the lock, and every request thread that needed
/// it (a page fault, `malloc` growing an arena) waited until a core fell idle: tens of milliseconds of stall. The
/// reserve gives its mappings back to the kernel (which wipes them) once they have been unused for a few seconds.
struct Argon2Memory {
    let words: UnsafeMutablePointer<UInt64>
    private let byteCount: Int
    private let isMapped: Bool

    init(wordCount: Int) {
        byteCount = wordCount * 8
        #if os(Linux)
        if byteCount >= 2 << 20, let raw = Argon2MemoryReserve.take(byteCount: byteCount) ?? Self.map(byteCount) {
            words = raw.bindMemory(to: UInt64.self, capacity: wordCount)
            isMapped = true
            return
        }
        #endif
        words = .allocate(capacity: wordCount)
        isMapped = false
    }

    #if os(Linux)
    private static func map(_ byteCount: Int) -> UnsafeMutableRawPointer? {
        guard let raw = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED
        else { return nil }
        _ = madvise(raw, byteCount, 14)  // MADV_HUGEPAGE
        _ = madvise(raw, byteCount, 16)  // MADV_DONTDUMP: password-derived blocks stay out of core dumps
        return raw
    }
    #endif

    func release() {
        #if os(Linux)
        if isMapped {
            Argon2MemoryReserve.give(UnsafeMutableRawPointer(words), byteCount: byteCount)
            return
        }
        #endif
        words.deallocate()
    }
}

/// Block matrices kept mapped between hashes (see ``Argon2Memory``): at most ``capacity`` of each size, each
/// returned to the kernel by ``trim(unusedFor:byteCount:)`` once it has not been used for a while.
package enum Argon2MemoryReserve {
    struct Entry {
        var address: UInt
        var byteCount: Int
        var returned: ContinuousClock.Instant
    }

    /// Of one size: enough for the hashing pool's threads; more would only pin memory.
    static let capacity = 4
    private static let entries = Mutex<[Entry]>([])

    static func take(byteCount: Int) -> UnsafeMutableRawPointer? {
        let address = entries.withLock { entries -> UInt? in
            guard let index = entries.lastIndex(where: { $0.byteCount == byteCount }) else { return nil }
            return entries.remove(at: index).address
        }
        return address.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    static func give(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let evicted = entries.withLock { entries -> [Entry] in
            entries.append(Entry(address: UInt(bitPattern: pointer), byteCount: byteCount,
                                 returned: ContinuousClock.now))
            guard let oldest = entries.firstIndex(where: { $0.byteCount == byteCount }),
                  entries.count { $0.byteCount == byteCount } > capacity
            else { return [] }
            return [entries.remove(at: oldest)]
        }
        unmap(evicted)
    }

    /// Returns to the kernel every kept matrix unused for `duration` or longer (of `byteCount` bytes only, when
    /// given); the number returned. Call it from a thread at normal priority: unmapping holds the memory-map lock.
    @discardableResult
    package static func trim(unusedFor duration: Duration, byteCount: Int? = nil) -> Int {
        let now = ContinuousClock.now
        let isStale = { (entry: Entry) in
            entry.returned.duration(to: now) >= duration && (byteCount == nil || entry.byteCount == byteCount)
        }
        let stale = entries.withLock { entries -> [Entry] in
            let stale = entries.filter(isStale)
            entries.removeAll(where: isStale)
            return stale
        }
        if !stale.isEmpty {
            trimmed.withLock { trimmed in
                for entry in stale { trimmed[entry.byteCount] = entry.returned.duration(to: now) }
            }
        }
        unmap(stale)
        return stale.count
    }

    /// How long the last matrix of `byteCount` bytes given back by ``trim(unusedFor:byteCount:)`` had been unused.
    private static let trimmed = Mutex<[Int: Duration]>([:])

    /// How long the last matrix of this size that went back to the kernel had been kept unused (for tests).
    package static func lastTrimmedUnused(byteCount: Int) -> Duration? { trimmed.withLock { $0[byteCount] } }

    /// Matrices of `byteCount` bytes kept mapped right now.
    package static func kept(byteCount: Int) -> Int { entries.withLock { $0.count { $0.byteCount == byteCount } } }

    private static func unmap(_ entries: [Entry]) {
        #if os(Linux)
        for entry in entries {
            if let pointer = UnsafeMutableRawPointer(bitPattern: entry.address) { _ = munmap(pointer, entry.byteCount) }
        }
        #endif
    }
}
