import Foundation
import StepUpTestSupport
import Testing

/// Runs external programs (the `stepup` binary, `oathtool`, `sqlite3`, Python) for end-to-end tests.
enum ExternalTool {
    /// Any non-empty `CI` (as `.ci/run` sets) means a missing tool is a failure, never a skip.
    static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// The path of a program on PATH, or `nil`.
    static func find(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Under CI a missing tool fails the test; locally it is skipped with the reason printed.
    static func require(_ name: String, package: String) -> String? {
        if let path = find(name) { return path }
        missing("\(name) not found (apt-get install \(package))")
        return nil
    }

    /// Records why a test cannot run: a failure under CI, a printed skip locally.
    static func missing(_ reason: String) {
        if isCI {
            Issue.record("required tool missing under CI: \(reason)")
        } else {
            print("SKIP: \(reason)")
        }
    }

    /// The `stepup` executable built beside the test bundle (or `STEPUP_BINARY`).
    static var stepupBinary: String {
        if let path = ProcessInfo.processInfo.environment["STEPUP_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("stepup").path
    }

    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String

        /// A benchmark's `name=value` lines (the last of a name wins); other lines are left out.
        var figures: [String: String] {
            var figures: [String: String] = [:]
            for line in stdout.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { figures[String(parts[0])] = String(parts[1]) }
            }
            return figures
        }
    }

    /// Runs a program to completion with `input` on stdin, off the test's cooperative threads. A program still
    /// running after `timeout` is killed and the test fails, so a hang never hangs CI.
    static func run(_ path: String, _ arguments: [String], input: String = "", environment: [String: String]? = nil,
                    timeout: Duration = .seconds(120)) async throws -> Output {
        let output: Output = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    try runBlocking(path, arguments, input: input, environment: environment, timeout: timeout)
                })
            }
            thread.start()
        }
        return output
    }

    private static func runBlocking(_ path: String, _ arguments: [String], input: String,
                                    environment: [String: String]?, timeout: Duration) throws -> Output {
        let result = try Subprocess.run(path, arguments, input: Array(input.utf8), environment: environment,
                                        timeout: timeout)
        if result.timedOut {
            let command = "\(URL(fileURLWithPath: path).lastPathComponent) \(arguments.joined(separator: " "))"
            Issue.record(Comment(rawValue: "\(command) did not finish within \(timeout) and was killed"))
        }
        return Output(status: result.status, stdout: result.stdoutText, stderr: result.stderrText)
    }
}
