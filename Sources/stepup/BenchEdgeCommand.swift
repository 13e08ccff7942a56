import ArgumentParser
import Foundation
import StepUpBench

/// `stepup bench edge`: forward auth behind nginx and the built-in gateway against nginx alone.
struct BenchEdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge",
        abstract: "Proxied requests: nginx alone vs nginx with forward auth vs StepUp's gateway (needs nginx and wrk).")

    @Option(help: "Seconds to measure each case.") var seconds: Double = 5

    func validate() throws {
        guard seconds >= 1, seconds <= 600 else { throw ValidationError("--seconds must be between 1 and 600") }
    }

    func run() async throws {
        ignoreBrokenPipes()
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        try await EdgeBenchmark(binary: binary, seconds: seconds).run { emit($0) }
    }
}
