import ArgumentParser
import Foundation
import Logging
import StepUpCore
import StepUpCrypto
import StepUpServer
import StepUpStore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users.",
        subcommands: [Add.self, List.self, Disable.self, Enable.self]
    )

    static func withRuntime<T>(_ options: ConfigOptions, _ body: (StepUpRuntime) async throws -> T) async throws -> T {
        guard let configuration = try options.load() else { throw CLIError("no configuration") }
        let runtime: StepUpRuntime
        do {
            // Hashing at normal priority: a one-shot command has no requests to give way to, and at the lowest
            // priority a busy machine could keep `user add` waiting for minutes.
            runtime = try await StepUpRuntime.open(configuration: configuration, logger: options.logger(),
                                                   hashing: .normal)
        } catch let error as StartupError {
            throw CLIError(error.description)
        }
        do {
            let result = try await body(runtime)
            await runtime.store.shutdown()
            return result
        } catch {
            await runtime.store.shutdown()
            throw error
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; the password is read from stdin.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The username (letters, digits, . _ - @).") var username: String
        @Option(name: .customLong("role"), help: "A role (repeatable), e.g. --role admin.") var roles: [String] = []
        @Option(help: "A display name.") var displayName: String?

        func run() async throws {
            let password = try readSecretFromStandardInput(what: "password")
            try await UserCommand.withRuntime(options) { runtime in
                do {
                    let user = try await runtime.service.createUser(username: username, password: password,
                                                                    displayName: displayName, roles: roles)
                    print("added \(user.username) (\(user.id))")
                } catch let error as StepUpError {
                    throw CLIError(error.reason)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                for user in try await runtime.service.stores.credentials.listUsers() {
                    let state = user.disabled ? "disabled" : "active"
                    print("\(user.username)\t\(user.id)\t\(state)\t\(user.roles.joined(separator: ","))")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user (sign-in refused, sessions end).")
        @OptionGroup var options: ConfigOptions
        @Argument var username: String
        func run() async throws { try await UserCommand.setDisabled(options, username, true) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user.")
        @OptionGroup var options: ConfigOptions
        @Argument var username: String
        func run() async throws { try await UserCommand.setDisabled(options, username, false) }
    }

    static func setDisabled(_ options: ConfigOptions, _ username: String, _ disabled: Bool) async throws {
        try await withRuntime(options) { runtime in
            let stores = runtime.service.stores
            guard let user = try await stores.credentials.user(username: username) else {
                throw CLIError("no user named '\(username)'")
            }
            try await stores.credentials.setDisabled(userID: user.id, disabled)
            print("\(disabled ? "disabled" : "enabled") \(user.username)")
        }
    }
}
