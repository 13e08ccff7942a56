import Foundation
import StepUpTestSupport
import Testing

/// A benchmark whose reader goes away (`| head -1`) still stops the server it started.
@Suite("Bench cleanup", .heavy, .timeLimit(.minutes(5)))
struct BenchCleanupTests {
    @Test func aBenchmarkWhoseReaderLeavesStopsItsServer() async throws {
        let marker = "stepup-bench-"
        func servers() -> Set<String> {
            let found = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return Set(found.filter { pid in
                guard Int(pid) != nil,
                      let line = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
                else { return false }
                return line.contains("serve") && line.contains(marker)
            })
        }
        let before = servers()
        let run = try await ExternalTool.run("/bin/sh", ["-c", "\"$0\" bench decisions --seconds 0.2 | head -1",
                                                         ExternalTool.stepupBinary], timeout: .seconds(240))
        #expect(run.stdout.hasPrefix("storage=sqlite"), "\(run.stdout)\n\(run.stderr)")
        // `head` has left; the benchmark runs on to the end and stops its server.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, !servers().subtracting(before).isEmpty {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(servers().subtracting(before).isEmpty, "a benchmark server was left running")
    }
}
