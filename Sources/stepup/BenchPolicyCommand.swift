import ArgumentParser

struct BenchPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy")
    func run() async throws { throw ExitCode.failure }
}
