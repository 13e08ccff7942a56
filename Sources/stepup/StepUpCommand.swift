import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import Synchronization

@main
struct StepUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepup",
        abstract: "StepUp: a self-hosted step-up authentication server and gateway.",
        subcommands: [
            ServeCommand.self,
            InitCommand.self,
            UserCommand.self,
            DeviceCommand.self,
            OutboxCommand.self,
            AddressCommand.self,
            AuditCommand.self,
            BackupCommand.self,
            StorageCommand.self,
            PolicyCommand.self,
            HashPasswordCommand.self,
            VerifyPasswordCommand.self,
            ClientCommand.self,
            KeysCommand.self,
            BenchCommand.self,
        ]
    )

    /// `serve` runs Swift's tasks on the event loops that serve the connections (NIO's event loop group as Swift's
    /// global executor, see ``EventLoopGlobalExecutor``): a request's task then starts, reads its body and writes its
    /// answer on one thread, instead of passing between an event loop and Swift's own thread pool at each step.
    /// `STEPUP_EXECUTOR=threads` keeps Swift's pool (`loops` names the default; any other value stops `serve` with a
    /// usage error; README: Storage, "tasks on the event loops"). Other commands keep Swift's pool, and so does the
    /// benchmarks' bare reference handler (`stepup bench bare`), which stays Hummingbird as configured by default.
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "serve" {
            // Empty is unset (a template's empty variable), as for the other STEPUP_ variables.
            let executor = ProcessInfo.processInfo.environment["STEPUP_EXECUTOR"].flatMap { $0.isEmpty ? nil : $0 }
            guard Self.executors.contains(executor ?? "loops") else {
                // A typo must not quietly pick the other executor.
                FileHandle.standardError.write(Data("""
                    error: STEPUP_EXECUTOR must be 'loops' (the default) or 'threads', not '\(executor ?? "")'

                    """.utf8))
                Foundation.exit(64)  // EX_USAGE
            }
            if executor != "threads", EventLoopGlobalExecutor.install() {
                tasksOnEventLoops.store(true, ordering: .releasing)
            }
        }
        await main(nil)
    }

    /// What `STEPUP_EXECUTOR` may say: tasks on the event loops, or on Swift's own thread pool.
    private static let executors: Set<String> = ["loops", "threads"]

    /// Whether Swift's tasks run on the event loops (`serve` says so when it starts listening).
    static var runsTasksOnEventLoops: Bool { tasksOnEventLoops.load(ordering: .acquiring) }
    private static let tasksOnEventLoops = Atomic<Bool>(false)
}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks; each prints name=value lines.",
        subcommands: [BenchArgon2Command.self, BenchPolicyCommand.self, BenchRiskCommand.self,
                      BenchDecisionsCommand.self, BenchEdgeCommand.self, BenchWebAuthnCommand.self,
                      BenchTokensCommand.self, BenchBareCommand.self, BenchLoadCommand.self]
    )
}
