import ArgumentParser
import StepUpCore

/// `stepup bench policy`: one `rules=N decisions_per_second=X` line per generated policy size.
struct BenchPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Policy evaluation speed on generated policies of 10 to 10,000 rules (one core).")

    @Option(help: "Seconds to measure each size.") var seconds: Double = 1

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be between 0 and 600") }
    }

    func run() async throws {
        for line in PolicyBenchmark.run(seconds: seconds) { print(line) }
    }
}
