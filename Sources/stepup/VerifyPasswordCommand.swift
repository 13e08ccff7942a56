import ArgumentParser

struct VerifyPasswordCommand: AsyncParsableCommand {
    func run() async throws { throw ExitCode.failure }
}
