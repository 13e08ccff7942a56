import ArgumentParser
import Hummingbird
import StepUpBareHandler

/// `stepup bench bare`: the benchmarks' reference handler on its own, for measuring it with other tools.
struct BenchBareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare",
        abstract: "Serve the benchmarks' bare Hummingbird handler on loopback until interrupted.",
        shouldDisplay: false)

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).") var port: Int = 0

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        try await BareHandler.application(port: port) { print("http://127.0.0.1:\($0)") }.runService()
    }
}
