import ArgumentParser
import Foundation
import StepUpCore
import StepUpServer
import StepUpStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit log.",
        subcommands: [Verify.self]
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
}
