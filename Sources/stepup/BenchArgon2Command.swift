import ArgumentParser

struct BenchArgon2Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "argon2")
    func run() async throws { throw ExitCode.failure }
}
