import ArgumentParser

struct BenchRiskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "risk")
    func run() async throws { throw ExitCode.failure }
}
