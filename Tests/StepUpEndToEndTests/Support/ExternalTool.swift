import Foundation
import Testing

/// Runs external programs (the `stepup` binary, `oathtool`) for end-to-end tests.
enum ExternalTool {
    /// The path of a program on PATH, or `nil`.
    static func find(_ name: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Under `CI=true` a missing tool fails the test; locally it is skipped with the reason printed.
    static func require(_ name: String, package: String) -> String? {
        if let path = find(name) { return path }
        let reason = "\(name) not found (apt-get install \(package))"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("required tool missing under CI: \(reason)")
        } else {
            print("SKIP: \(reason)")
        }
        return nil
    }

    /// The `stepup` executable built beside the test bundle (or `STEPUP_BINARY`).
    static var stepupBinary: String {
        if let path = ProcessInfo.processInfo.environment["STEPUP_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("stepup").path
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program to completion with `input` on stdin.
    static func run(_ path: String, _ arguments: [String], input: String = "") throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }
}
