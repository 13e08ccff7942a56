import ArgumentParser
import Foundation
import Logging
import StepUpCore
import StepUpServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the StepUp server.",
        discussion: """
        With --demo and no configuration, StepUp starts on a temporary database with the Acme Bank demo policy
        and prints demo users, their passwords and a TOTP secret.
        """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int?

    @Option(help: "Address to listen on.")
    var host: String?

    @Flag(help: "Seed demo users and serve the Acme Bank demo at /demo.")
    var demo = false

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be 0…65535") }
    }

    func run() async throws {
        ProcessMemory.limitAllocatorArenas()
        LoggingSystem.bootstrap { DeferredMetadataLogHandler.standardError(label: $0) }
        let logger = options.logger()
        var configuration: ServerConfiguration
        var demoDirectory: String?
        if let loaded = try options.load(optional: demo) {
            configuration = loaded
        } else {
            let prepared = try DemoEnvironment.prepare()
            configuration = prepared.configuration
            demoDirectory = prepared.directory
        }
        if let port { configuration.http.port = port }
        if let host { configuration.http.host = host }
        configuration.demo = configuration.demo || demo
        let runtime: StepUpRuntime
        do {
            runtime = try await StepUpRuntime.open(configuration: configuration, logger: logger)
        } catch let error as StartupError {
            throw CLIError(error.description)
        }
        var seeded: DemoSeeder.Seeded?
        if demo, try await runtime.service.stores.credentials.listUsers().isEmpty {
            seeded = try await DemoSeeder.seed(service: runtime.service)
        }
        let publicURL = configuration.http.publicURL
        let metricsToken = demoDirectory != nil ? configuration.metrics.token : nil
        let welcome = seeded
        let temporary = demoDirectory
        let mailDirectory = configuration.email.channel == .file ? configuration.email.directory : nil
        try await runtime.serve { address in
            if let seeded = welcome {
                // The welcome names the address actually bound (`--port 0` or `--port N`), unless the
                // configuration says where users reach StepUp.
                let open = publicURL == ServerConfiguration.HTTP().publicURL
                    ? address.replacingOccurrences(of: "127.0.0.1", with: "localhost") : publicURL
                DemoEnvironment.printWelcome(seeded, directory: temporary, publicURL: open,
                                             metricsToken: metricsToken, mailDirectory: mailDirectory)
            }
            ProcessMemory.releaseStartupMemory()
            let executor = StepUpCommand.runsTasksOnEventLoops
                ? "tasks on the event loops" : "tasks on Swift's thread pool"
            emit("StepUp listening on \(address) (policy \(runtime.policy.current.version); \(executor))")
        }
        if let demoDirectory {
            // The demo's data is throwaway: remove it after a graceful shutdown.
            try? FileManager.default.removeItem(atPath: demoDirectory)
        }
    }
}
