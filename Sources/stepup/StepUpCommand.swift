import ArgumentParser

@main
struct StepUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepup",
        abstract: "StepUp: a self-hosted step-up authentication server and gateway.",
        subcommands: [
            ServeCommand.self,
            InitCommand.self,
            UserCommand.self,
            DeviceCommand.self,
            OutboxCommand.self,
            AddressCommand.self,
            AuditCommand.self,
            BackupCommand.self,
            StorageCommand.self,
            PolicyCommand.self,
            HashPasswordCommand.self,
            VerifyPasswordCommand.self,
            ClientCommand.self,
            KeysCommand.self,
            BenchCommand.self,
        ]
    )
}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks; each prints name=value lines.",
        subcommands: [BenchArgon2Command.self, BenchPolicyCommand.self, BenchRiskCommand.self,
                      BenchDecisionsCommand.self, BenchEdgeCommand.self, BenchWebAuthnCommand.self,
                      BenchTokensCommand.self, BenchBareCommand.self, BenchLoadCommand.self]
    )
}
