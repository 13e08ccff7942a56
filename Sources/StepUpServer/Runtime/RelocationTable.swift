#if os(Linux)
import Foundation
import Glibc

/// The relocation table (`DT_RELA`, `.rela.dyn`) of an ELF object loaded in this process: the dynamic linker reads
/// it once, while loading, yet its pages stay resident.
///
/// Releasing them with `MADV_DONTNEED` is safe because they are read-only file pages: were they ever read again,
/// the kernel would read the same bytes back from the file. An object whose read-only segments were written at load
/// (`DT_TEXTREL`) is left alone, as is a table not wholly inside a read-only `PT_LOAD` segment.
struct RelocationTable {
    let start: UInt
    let end: UInt

    /// The tables of every ELF object mapped in this process (found through `/proc/self/maps`).
    static func loaded() -> [RelocationTable] {
        // Read to the end: `String(contentsOfFile:)` stops after the first read of a /proc file (4 KiB).
        guard let file = FileHandle(forReadingAtPath: "/proc/self/maps") else { return [] }
        let maps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        try? file.close()
        var seen = Set<String>()
        return maps.split(separator: "\n").compactMap { line in
            // "start-end perms offset dev inode path": an object's ELF header is at its mapping of offset 0.
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1].hasPrefix("r"), fields[2] == "00000000", fields[5].hasPrefix("/"),
                  seen.insert(String(fields[5])).inserted
            else { return nil }
            let range = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
            guard range.count == 2, range[1] > range[0] else { return nil }
            return RelocationTable(mappedAt: range[0], length: range[1] - range[0])
        }
    }

    /// Reads the program headers of the ELF image whose first `length` bytes are mapped at `header`.
    init?(mappedAt header: UInt, length: UInt) {
        guard length >= UInt(MemoryLayout<Elf64_Ehdr>.size), let elf = UnsafePointer<Elf64_Ehdr>(bitPattern: header),
              elf.pointee.e_ident.0 == 0x7F, elf.pointee.e_ident.1 == 0x45,  // "\x7fE"
              elf.pointee.e_ident.2 == 0x4C, elf.pointee.e_ident.3 == 0x46,  // "LF"
              elf.pointee.e_ident.4 == UInt8(ELFCLASS64),
              UInt(elf.pointee.e_phoff) + UInt(elf.pointee.e_phnum) * UInt(MemoryLayout<Elf64_Phdr>.size) <= length,
              let first = UnsafePointer<Elf64_Phdr>(bitPattern: header + UInt(elf.pointee.e_phoff))
        else { return nil }
        let headers = UnsafeBufferPointer(start: first, count: Int(elf.pointee.e_phnum))
        guard let firstLoad = headers.first(where: { $0.p_type == UInt32(PT_LOAD) }),
              let dynamic = headers.first(where: { $0.p_type == UInt32(PT_DYNAMIC) })
        else { return nil }
        // Zero for a shared object or PIE linked at 0; the mapping's own address already for a fixed executable.
        let bias = header &- UInt(firstLoad.p_vaddr) & ~UInt(0xFFF)
        var address: UInt?
        var size: UInt?
        var entry = UnsafePointer<Elf64_Dyn>(bitPattern: bias &+ UInt(dynamic.p_vaddr))
        while let current = entry, current.pointee.d_tag != Int64(DT_NULL) {
            let value = current.pointee.d_un.d_val
            switch current.pointee.d_tag {
            case Int64(DT_RELA): address = UInt(value)
            case Int64(DT_RELASZ): size = UInt(value)
            case Int64(DT_TEXTREL): return nil
            case Int64(DT_FLAGS) where value & UInt64(DF_TEXTREL) != 0: return nil
            default: break
            }
            entry = current + 1
        }
        guard let address, let size, size > 0 else { return nil }
        // The dynamic linker rebases DT_RELA in place where `.dynamic` is writable; elsewhere it is an address
        // relative to the object.
        start = address >= bias ? address : bias &+ address
        end = start + size
        let insideReadOnlySegment = headers.contains { segment in
            segment.p_type == UInt32(PT_LOAD) && segment.p_flags & UInt32(PF_W) == 0
                && bias &+ UInt(segment.p_vaddr) <= start && end <= bias &+ UInt(segment.p_vaddr + segment.p_memsz)
        }
        guard insideReadOnlySegment else { return nil }
    }

    /// Drops this process's copies of the whole pages inside the table.
    func release() {
        let page = UInt(max(sysconf(Int32(_SC_PAGESIZE)), 4_096))
        let first = (start + page - 1) / page * page
        let last = end / page * page
        guard last > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(pointer, Int(last - first), MADV_DONTNEED)
    }
}
#endif
