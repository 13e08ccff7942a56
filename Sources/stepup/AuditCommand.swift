import ArgumentParser
import Foundation
import StepUpCore
import StepUpServer
import StepUpStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check and export the audit log.",
        subcommands: [Verify.self, Export.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit hash chain; exit 1 naming the first broken sequence number.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let report = try await UserCommand.withRuntime(options) { runtime in
                try await runtime.store.verifyAuditChain(pageSize: 5_000)
            }
            if report.isIntact {
                print("audit chain intact: \(report.checkedEvents) events")
                return
            }
            let sequence = report.firstBrokenSequence.map { String($0) } ?? "?"
            FileHandle.standardError.write(Data(
                "audit chain broken at sequence \(sequence): \(report.reason ?? "hash mismatch")\n".utf8))
            throw ExitCode(1)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write audit events as JSON Lines to standard output, oldest first.",
            discussion: """
            --since takes a date (2026-11-01), a date and time (2026-11-01T08:00:00Z) or an age (90m, 24h, 7d).
            Events are streamed a page at a time, so any size of log exports in constant memory.
            """)
        @OptionGroup var options: ConfigOptions
        @Option(help: "Only events at or after this time: YYYY-MM-DD, RFC 3339, or an age such as 24h or 7d.")
        var since: String?
        @Option(help: "Output format (jsonl).") var format = "jsonl"

        func validate() throws {
            guard format == "jsonl" else { throw ValidationError("--format must be jsonl") }
            if let since, Self.parseSince(since, now: Date()) == nil {
                throw ValidationError("--since must be YYYY-MM-DD, an RFC 3339 time or an age like 24h, not '\(since)'")
            }
        }

        func run() async throws {
            let cutoff = since.flatMap { Self.parseSince($0, now: Date()) }
            let output = LineWriter(FileHandle.standardOutput)
            let count = try await UserCommand.withRuntime(options) { runtime in
                try await AuditExport.jsonLines(from: runtime.service.stores.audit, since: cutoff, pageSize: 2_000,
                                                write: output.write)
            }
            output.flush()
            FileHandle.standardError.write(Data("exported \(count) audit events\n".utf8))
        }

        /// `2026-11-01`, `2026-11-01T08:00:00Z` (fractional seconds and offsets allowed), or `90m` / `24h` / `7d`
        /// before `now`.
        static func parseSince(_ text: String, now: Date) -> Date? {
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
            if let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()), amount >= 0 {
                return now.addingTimeInterval(-amount * unit)
            }
            let formatter = ISO8601DateFormatter()
            for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds],
                                                          [.withInternetDateTime], [.withFullDate]] {
                formatter.formatOptions = options
                if let date = formatter.date(from: text) { return date }
            }
            return nil
        }
    }
}

/// Buffers lines and writes them in 64 KiB blocks: one `write(2)` per event would dominate a large export.
final class LineWriter {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 65_536 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
