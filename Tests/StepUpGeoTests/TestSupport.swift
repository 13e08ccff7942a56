import Foundation
import StepUpTestSupport
import StepUpGeo
import Testing

/// Finding fixtures and external tools; a missing tool skips locally but fails when CI == "true".
enum TestSupport {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// Any non-empty `CI` (GitHub's `true`, GitLab's `true`, others' `1`): a missing tool then fails the test.
    static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Records an issue on CI, prints a skip reason otherwise; returns false either way.
    static func missing(_ what: String, install: String) -> Bool {
        let message = "\(what) is missing (install with: \(install))"
        if isCI {
            Issue.record(Comment(rawValue: message))
        } else {
            print("SKIPPED: \(message)")
        }
        return false
    }

    static let torGeoIP = "/usr/share/tor/geoip"
    static let torGeoIP6 = "/usr/share/tor/geoip6"

    /// True when tor-geoipdb's files exist (or records why not).
    static func requireTorGeoIP() -> Bool {
        if FileManager.default.fileExists(atPath: torGeoIP), FileManager.default.fileExists(atPath: torGeoIP6) {
            return true
        }
        return missing("tor-geoipdb (/usr/share/tor/geoip)", install: "apt-get install tor-geoipdb")
    }

    /// Runs a program; returns its exit status and standard output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try Subprocess.run("/usr/bin/env", [executable] + arguments, passStderr: true)
        return (result.status, result.stdoutText)
    }

    /// True when python3 can import the mmdb writer (or records why not).
    static func requireMMDBWriter() -> Bool {
        let ok = (try? run("python3", ["-c", "import mmdb_writer, netaddr"]).status) == 0
        return ok || missing("python3 with mmdb-writer and netaddr", install: "pip install mmdb-writer netaddr")
    }

    /// Runs `body` with a fresh, uniquely named directory, removed afterwards whatever happens.
    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    private static func makeTemporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-geo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Writes an .mmdb with the independent PyPI writer into `directory`; returns its path.
    static func writeMMDB(_ mode: String, extra: [String] = [], in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("\(mode).mmdb").path
        let script = fixtures.appendingPathComponent("write_mmdb.py").path
        let result = try run("python3", [script, mode, path] + extra)
        try #require(result.status == 0, "write_mmdb.py \(mode) failed")
        return path
    }

    /// The bytes of an .mmdb written by the PyPI writer (in a temporary directory, removed again).
    static func mmdbBytes(_ mode: String, extra: [String] = []) throws -> [UInt8] {
        try withTemporaryDirectory { directory in
            let path = try writeMMDB(mode, extra: extra, in: directory)
            return [UInt8](try #require(FileManager.default.contents(atPath: path)))
        }
    }

    /// A reader over an .mmdb written by the PyPI writer (the file is gone once the reader has it in memory).
    static func mmdbReader(_ mode: String, extra: [String] = []) throws -> MMDBReader {
        try MMDBReader(bytes: mmdbBytes(mode, extra: extra))
    }

    /// Writes `contents` to a new file in `directory`; returns its path.
    static func file(_ name: String, _ contents: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
