import ArgumentParser

struct PolicyCommand: AsyncParsableCommand {
    func run() async throws { throw ExitCode.failure }
}
