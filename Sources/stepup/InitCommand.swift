import ArgumentParser

struct InitCommand: AsyncParsableCommand {
    func run() async throws { throw ExitCode.failure }
}
