import ArgumentParser

struct HashPasswordCommand: AsyncParsableCommand {
    func run() async throws { throw ExitCode.failure }
}
