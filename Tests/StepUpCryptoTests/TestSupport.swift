import Foundation
import StepUpTestSupport
import Testing

/// Hex helpers and external-tool plumbing shared by the crypto tests.
enum TestSupport {
    static func hex(_ string: String) -> [UInt8] {
        let digits = Array(string.filter { !$0.isWhitespace }.utf8)
        var out = [UInt8]()
        var i = 0
        while i + 1 < digits.count {
            out.append(UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) ?? 0)
            i += 2
        }
        return out
    }

    static func hexString(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Any non-empty `CI` (GitHub's `true`, GitLab's `true`, others' `1`): a missing tool then fails the test.
    static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Absolute path of `tool` on PATH, or nil.
    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether a test may use `tool`; when missing, skips locally (with a printed reason) but fails in CI.
    static func require(_ tool: String, pythonModules: [String] = []) -> Bool {
        var missing: String?
        if which(tool) == nil {
            missing = "tool \(tool)"
        } else if !pythonModules.isEmpty {
            let check = pythonModules.map { "import \($0)" }.joined(separator: "; ")
            if (try? run(tool, ["-c", check])) == nil { missing = "python modules \(pythonModules)" }
        }
        guard let missing else { return true }
        if isCI {
            Issue.record("required \(missing) is missing (CI=true)")
        } else {
            print("SKIP: \(missing) not installed")
        }
        return false
    }

    struct ToolFailure: Error { let status: Int32; let stderr: String }

    /// Runs `tool` with `arguments`, feeding `input` on stdin; returns stdout. Throws on non-zero exit.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: [UInt8] = []) throws -> String {
        let result = try Subprocess.run(which(tool) ?? tool, arguments, input: input)
        guard result.status == 0 else { throw ToolFailure(status: result.status, stderr: result.stderrText) }
        return result.stdoutText
    }
}
