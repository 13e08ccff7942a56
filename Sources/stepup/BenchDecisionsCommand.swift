import ArgumentParser
import Foundation
import StepUpBench

/// `stepup bench decisions`: decisions per second, latency and storage cost against a bare Hummingbird handler.
struct BenchDecisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Decisions over HTTP (allow, step_up, during a login storm) against a bare Hummingbird handler.")

    @Option(help: "Seconds to measure each case.") var seconds: Double = 5

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be between 0 and 600") }
    }

    func run() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        try await DecisionBenchmark(binary: binary, seconds: seconds).run { emit($0) }
    }
}
