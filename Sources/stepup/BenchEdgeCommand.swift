import ArgumentParser
import Foundation
import StepUpBench

/// `stepup bench edge`: forward auth behind nginx and the built-in gateway against nginx alone.
struct BenchEdgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge",
        abstract: "Proxied requests: nginx alone vs nginx with forward auth vs StepUp's gateway (needs nginx and wrk).")

    @Option(help: "Seconds to measure each case.") var seconds: Double = 5
    @Option(help: "How the policy audits the allowed requests: full, counted or 'sampled N' (its audit: {allow: …}).")
    var allowAudit: String = "full"

    func validate() throws {
        guard seconds >= 0.2, seconds <= 600 else { throw ValidationError("--seconds must be between 0.2 and 600") }
        let words = allowAudit.split(separator: " ")
        let sampled = words.count == 2 && words[0] == "sampled" && Int(words[1]).map { (2...1_000_000).contains($0) } == true
        guard ["full", "counted"].contains(allowAudit) || sampled else {
            throw ValidationError("--allow-audit must be full, counted or 'sampled N' (N from 2 to 1000000)")
        }
    }

    func run() async throws {
        ignoreBrokenPipes()
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        try await EdgeBenchmark(binary: binary, seconds: seconds, allowAudit: allowAudit).run { emit($0) }
    }
}
