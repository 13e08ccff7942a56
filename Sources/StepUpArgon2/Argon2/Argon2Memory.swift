#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The big block matrix. On Linux it is mapped directly and marked for transparent huge pages: a 64 MiB
/// hash otherwise takes 16384 page faults, a sizeable share of its time. The mapping is returned to the
/// kernel (and so wiped) as soon as the hash is done.
struct Argon2Memory {
    let words: UnsafeMutablePointer<UInt64>
    private let byteCount: Int
    private let isMapped: Bool

    init(wordCount: Int) {
        byteCount = wordCount * 8
        #if os(Linux)
        if byteCount >= 2 << 20,
           let raw = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
           raw != MAP_FAILED {
            _ = madvise(raw, byteCount, 14)  // MADV_HUGEPAGE
            words = raw.bindMemory(to: UInt64.self, capacity: wordCount)
            isMapped = true
            return
        }
        #endif
        words = .allocate(capacity: wordCount)
        isMapped = false
    }

    func release() {
        #if os(Linux)
        if isMapped {
            _ = munmap(UnsafeMutableRawPointer(words), byteCount)
            return
        }
        #endif
        words.deallocate()
    }
}
