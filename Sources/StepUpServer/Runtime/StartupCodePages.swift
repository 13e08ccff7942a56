#if os(Linux)
import Foundation
import Glibc

/// The executable code of the binary and its libraries that starting touched: the kernel maps code in around each
/// page a thread runs (fault-around, readahead), so starting leaves megabytes of code resident that serving never
/// runs again — about 14 MiB of StepUp's own binary alone.
///
/// Dropping this process's mappings of those pages (`MADV_DONTNEED`) is safe for code that was never written: the
/// pages stay in the page cache, and the next instruction fetched from one maps it back (a minor fault). A mapping
/// holding any anonymous (written, copy-on-write) page is left alone, as is anything writable.
enum StartupCodePages {
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var path: String
    }

    /// The private, read-only, executable file mappings of this process with no anonymous page, read from
    /// `/proc/self/smaps`.
    static func clean(smaps: String) -> [Mapping] {
        var found: [Mapping] = []
        var current: Mapping?
        var anonymous = 0
        func finish() {
            if let mapping = current, anonymous == 0 { found.append(mapping) }
            current = nil
            anonymous = 0
        }
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), !first.hasSuffix(":") {
                finish()
                let range = first.split(separator: "-").compactMap { UInt($0, radix: 16) }
                guard range.count == 2, range[1] > range[0], fields.count >= 6, fields[1] == "r-xp",
                      fields[5].hasPrefix("/")
                else { continue }
                current = Mapping(start: range[0], end: range[1], path: String(fields[5]))
            } else if current != nil, fields.count >= 2, fields[0] == "Anonymous:" {
                anonymous = Int(fields[1]) ?? 1
            }
        }
        finish()
        return found
    }

    /// Drops this process's mappings of the clean code pages; returns how many bytes of mappings it advised.
    @discardableResult
    static func release() -> UInt {
        guard let file = FileHandle(forReadingAtPath: "/proc/self/smaps") else { return 0 }
        let smaps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        try? file.close()
        var advised: UInt = 0
        for mapping in clean(smaps: smaps) {
            guard let pointer = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(pointer, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 {
                advised += mapping.end - mapping.start
            }
        }
        return advised
    }
}
#endif
