import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    func run() async throws { throw ExitCode.failure }
}
