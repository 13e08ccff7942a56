#if canImport(Glibc)
import Glibc
#endif

/// Process-wide memory settings for `stepup serve`; none changes what the server does.
///
/// Most of an idle server's RSS is not its data but mapped files: the code of the binary and of the Swift
/// libraries, and their dynamic-linking tables. Measured on a fresh `stepup init` (issue #9), 43 MiB RSS held
/// 4.5 MiB of anonymous memory; 3.6 MiB of the rest were relocation tables (`.rela.dyn`) that the dynamic linker
/// reads once, at load, and never again.
public enum ProcessMemory {
    /// Caps glibc's malloc at two arenas (it defaults to 8 per core, one for each thread that ever contended), so
    /// idle threads do not each keep a partly used heap. Call it first thing: arenas already made stay.
    public static func limitAllocatorArenas() {
        #if os(Linux)
        let arenaMax: Int32 = -8  // M_ARENA_MAX in <malloc.h>
        _ = Malloc.function("mallopt", as: (@convention(c) (Int32, Int32) -> Int32).self)?(arenaMax, 2)
        #endif
    }

    /// Returns free malloc pages to the system (`malloc_trim`): after a burst of connections has closed, glibc
    /// would otherwise keep their buffers' pages resident.
    public static func trimFreePages() {
        #if os(Linux)
        _ = Malloc.function("malloc_trim", as: (@convention(c) (Int) -> Int32).self)?(0)
        #endif
    }

    /// Gives back what only starting needed: free malloc pages (`malloc_trim`), the resident pages of every
    /// loaded object's relocation table (see ``RelocationTable``) and the code pages starting touched (see
    /// ``StartupCodePages``). Call it once the server is listening.
    public static func releaseStartupMemory() {
        #if os(Linux)
        trimFreePages()
        for table in RelocationTable.loaded() { table.release() }
        StartupCodePages.release()
        #endif
    }
}

#if os(Linux)
/// glibc's malloc tuning calls, looked up at run time: Swift's Glibc module leaves `<malloc.h>` out.
private enum Malloc {
    static func function<F>(_ name: String, as type: F.Type) -> F? {
        guard let process = dlopen(nil, RTLD_NOW) else { return nil }
        defer { dlclose(process) }
        return dlsym(process, name).map { unsafeBitCast($0, to: type) }
    }
}
#endif
