import Foundation
import Testing

/// External programs the tests check against (Python libraries, zbarimg, rsvg-convert): finding them, the
/// skip-or-fail rule for a missing one, and running one with a time limit.
public enum TestTools {
    /// Any non-empty `CI` (GitHub's `true`, GitLab's `true`, others' `1`): a missing tool then fails the test.
    public static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Absolute path of `tool` on PATH, or nil.
    public static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(tool)" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a test may use `tool` (and, for Python, `pythonModules`). When one is missing the test is skipped
    /// locally with a printed reason, and fails in CI; `install` says how to get it.
    public static func require(_ tool: String, pythonModules: [String] = [], install: String? = nil) -> Bool {
        var missing: String?
        if which(tool) == nil {
            missing = "tool \(tool)"
        } else if !pythonModules.isEmpty {
            let check = pythonModules.map { "import \($0)" }.joined(separator: "; ")
            if (try? run(tool, ["-c", check])) == nil { missing = "python modules \(pythonModules)" }
        }
        guard let missing else { return true }
        let hint = install.map { " (\($0))" } ?? ""
        if isCI {
            Issue.record("required \(missing) is missing (CI=true)\(hint)")
        } else {
            print("SKIP: \(missing) not installed\(hint)")
        }
        return false
    }

    /// A program that exited non-zero, or was killed at its time limit (status 137).
    public struct Failure: Error, CustomStringConvertible {
        public let status: Int32
        public let stderr: String
        public var description: String { "exit status \(status): \(stderr)" }
    }

    /// Runs `tool` with `arguments`, feeding `input` on stdin; returns stdout. Throws ``Failure`` on a non-zero
    /// exit; a tool still running after `seconds` is killed (status 137), so a hung tool cannot hang the suite.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], input: [UInt8] = [], seconds: Int = 120) throws
        -> [UInt8]
    {
        let result = try Subprocess.run(which(tool) ?? tool, arguments, input: input, timeout: .seconds(seconds))
        guard result.status == 0 else { throw Failure(status: result.status, stderr: result.stderrText) }
        return result.stdout
    }
}
