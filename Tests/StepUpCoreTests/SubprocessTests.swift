#if os(Linux)
import Foundation
import StepUpTestSupport
import Testing

/// The children tests and benchmarks start (servers, databases, browsers) get stdin, stdout and stderr and
/// nothing else of the test process — not even a descriptor some library opened without close-on-exec.
@Suite("Subprocess")
struct SubprocessTests {
    @Test func aChildInheritsOnlyItsStandardStreams() throws {
        // Opened deliberately without O_CLOEXEC.
        let leaked = open("/dev/null", O_RDONLY)
        try #require(leaked > 2)
        defer { close(leaked) }
        let result = try Subprocess.run("/bin/sh", ["-c", "ls /proc/$$/fd"], timeout: .seconds(30))
        #expect(result.status == 0)
        let descriptors = Set(result.stdoutText.split(whereSeparator: \.isWhitespace).compactMap { Int($0) })
        // The shell's own: 0, 1, 2 and at most one it opened for itself (ls runs in a child of it).
        #expect(!descriptors.contains(Int(leaked)), "descriptor \(leaked) leaked into the child: \(descriptors.sorted())")
        #expect(descriptors.isSuperset(of: [0, 1, 2]))
        #expect(descriptors.count <= 4, "\(descriptors.sorted())")
    }
}
#endif
