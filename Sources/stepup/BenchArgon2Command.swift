import ArgumentParser
import Foundation
import StepUpCore
import StepUpCrypto

/// `stepup bench argon2`: our Argon2id against the reference C implementation (the Debian `argon2` CLI)
/// at m = 64 MiB, t = 3, p = 1 and 4; prints name=value lines with medians and the ratio ours/reference.
struct BenchArgon2Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "argon2",
        abstract: "Time our Argon2id against the reference argon2 CLI (m=64 MiB, t=3, p=1 and p=4)."
    )

    @Option(help: "Timed runs per configuration (the median is reported).")
    var runs = 5

    @Option(help: "Path or name of the reference argon2 CLI.")
    var reference = "argon2"

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1...100") }
    }

    func run() async throws {
        let tool = Self.locate(reference)
        if tool == nil {
            FileHandle.standardError.write(Data(
                "error: reference tool '\(reference)' not found on PATH (install the Debian package argon2)\n".utf8
            ))
        }
        for lanes in [1, 4] {
            let tag = try Argon2Benchmark.ourTag(parallelism: lanes)  // warm-up and correctness reference
            let ours = Argon2Benchmark.median(try Argon2Benchmark.measure(runs: runs) {
                _ = try Argon2Benchmark.ourTag(parallelism: lanes)
            })
            print("ours_p\(lanes)_ms=\(Self.format(ours))")
            guard let tool else { continue }
            var referenceTag = ""
            _ = try Self.runReference(tool, lanes: lanes)
            let theirs = Argon2Benchmark.median(try Argon2Benchmark.measure(runs: runs) {
                referenceTag = try Self.runReference(tool, lanes: lanes)
            })
            let ourHex = Hex.lowercase(tag)
            print("reference_p\(lanes)_ms=\(Self.format(theirs))")
            print("ratio_p\(lanes)=\(String(format: "%.3f", theirs > 0 ? ours / theirs : 0))")
            print("tags_match_p\(lanes)=\(ourHex == referenceTag)")
        }
        if tool == nil { throw ExitCode(3) }
    }

    static func format(_ ms: Double) -> String { String(format: "%.1f", ms) }

    static func locate(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// One run of the reference CLI on the same inputs; returns its raw hex tag.
    static func runReference(_ tool: String, lanes: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        let p = Argon2Benchmark.parameters(parallelism: lanes)
        process.arguments = [
            String(decoding: Argon2Benchmark.salt, as: UTF8.self), "-id", "-t", "\(p.iterations)",
            "-k", "\(p.memoryKiB)", "-p", "\(lanes)", "-l", "\(p.tagLength)", "-r",
        ]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(Argon2Benchmark.password))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ExitCode(4) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
