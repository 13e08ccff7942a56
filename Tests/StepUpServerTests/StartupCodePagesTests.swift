#if os(Linux)
import Foundation
import Testing
@testable import StepUpServer

/// Issue #9 (idle RSS): the code pages starting touched are dropped from the process's mappings, and only those.
@Suite("Startup code pages")
struct StartupCodePagesTests {
    @Test func onlyCleanPrivateExecutableFileMappingsAreChosen() {
        let smaps = """
            55d0c0000000-55d0c2000000 r-xp 00000000 08:01 123 /usr/bin/stepup
            Size:              32768 kB
            Rss:               13648 kB
            Anonymous:             0 kB
            55d0c2000000-55d0c2100000 r--p 02000000 08:01 123 /usr/bin/stepup
            Anonymous:             0 kB
            55d0c2100000-55d0c2200000 rw-p 02100000 08:01 123 /usr/bin/stepup
            Anonymous:           512 kB
            7f0000000000-7f0000100000 r-xp 00000000 08:01 456 /usr/lib/libtextrel.so
            Anonymous:             4 kB
            7f0000200000-7f0000300000 r-xp 00000000 00:00 0
            Anonymous:             0 kB
            7f0000400000-7f0000500000 r-xs 00000000 08:01 789 /dev/shm/shared
            Anonymous:             0 kB
            7f0000600000-7f0000700000 r-xp 00000000 08:01 999 /usr/lib/libswiftCore.so
            Size:               1024 kB
            Anonymous:             0 kB
            VmFlags: rd ex mr mw me
            """
        #expect(StartupCodePages.clean(smaps: smaps) == [
            .init(start: 0x55d0_c000_0000, end: 0x55d0_c200_0000, path: "/usr/bin/stepup"),
            .init(start: 0x7f00_0060_0000, end: 0x7f00_0070_0000, path: "/usr/lib/libswiftCore.so"),
        ])
        #expect(StartupCodePages.clean(smaps: "") == [])
        #expect(StartupCodePages.clean(smaps: "garbage\nmore-garbage r-xp\n") == [])
    }

    /// Done to this very test process: its code keeps running, and its resident set shrinks.
    @Test func aProcessKeepsWorkingAfterItsCodePagesAreDropped() throws {
        let before = try Self.residentKiB()
        let advised = StartupCodePages.release()
        let after = try Self.residentKiB()
        #expect(advised > 1 << 20, "the test binary's and the libraries' code was advised")
        #expect(after < before, "RSS \(before) KiB → \(after) KiB")
        // Code that was just dropped runs again (JSON, regular expressions, hashing: pages of several libraries).
        let data = try JSONSerialization.data(withJSONObject: ["after": after])
        #expect(String(decoding: data, as: UTF8.self).contains("after"))
        #expect("stepup-2026".firstMatch(of: /\d+/).map { String($0.output) } == "2026")
        #expect(Set((0..<1_000).map { $0 % 7 }).count == 7)
    }

    private static func residentKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
#endif
