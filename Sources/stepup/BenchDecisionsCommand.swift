import ArgumentParser
import Foundation
import StepUpBench

/// `stepup bench decisions`: decisions per second, latency and storage cost against a bare Hummingbird handler.
struct BenchDecisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Decisions over HTTP (allow, step_up, during a login storm) against a bare Hummingbird handler.",
        discussion: "Add --soak-seconds 600 for the 10-minute check of memory growth at 70 % of the peak rate.")

    @Option(help: "Seconds to measure each case.") var seconds: Double = 5

    @Option(help: "Seconds of allow decisions at 70 % of the peak rate, with the server's RSS sampled (0 skips).")
    var soakSeconds: Double = 0

    @Option(help: "Run the server on this empty PostgreSQL database (postgres://…) instead of SQLite.")
    var postgres: String?

    @Option(help: "Reach that PostgreSQL server through this Unix socket file (e.g. /run/postgresql/.s.PGSQL.5432) instead of TCP.")
    var postgresSocket: String?

    func validate() throws {
        if let postgres, !(postgres.hasPrefix("postgres://") || postgres.hasPrefix("postgresql://")) {
            throw ValidationError("--postgres must be a postgres:// URL")
        }
        if let postgresSocket {
            guard postgres != nil else { throw ValidationError("--postgres-socket needs --postgres (the database)") }
            guard FileManager.default.fileExists(atPath: postgresSocket) else {
                throw ValidationError("--postgres-socket: no such file: \(postgresSocket)")
            }
        }
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be between 0 and 600") }
        guard soakSeconds >= 0, soakSeconds <= 86_400 else {
            throw ValidationError("--soak-seconds must be between 0 and 86400 (600 is the 10-minute check)")
        }
    }

    func run() async throws {
        ignoreBrokenPipes()
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        try await DecisionBenchmark(binary: binary, seconds: seconds, soakSeconds: soakSeconds,
                                    postgresURL: postgres, postgresSocket: postgresSocket).run { emit($0) }
    }
}
