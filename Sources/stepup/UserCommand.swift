import ArgumentParser

struct UserCommand: AsyncParsableCommand {
    func run() async throws { throw ExitCode.failure }
}
