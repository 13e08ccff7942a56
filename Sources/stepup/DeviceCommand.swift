import ArgumentParser
import Foundation
import StepUpCore
import StepUpServer

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "List, trust and revoke a user's devices.",
        subcommands: [List.self, Trust.self, Revoke.self]
    )

    static func user(_ runtime: StepUpRuntime, _ username: String) async throws -> UserRecord {
        guard let user = try await runtime.service.stores.credentials.user(username: username) else {
            throw CLIError("no user named '\(username)'")
        }
        return user
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's devices.")
        @OptionGroup var options: ConfigOptions
        @Argument var username: String

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                let user = try await DeviceCommand.user(runtime, username)
                let formatter = ISO8601DateFormatter()
                let now = Date()
                for device in try await runtime.service.devices(of: user) {
                    let state = device.revoked ? "revoked"
                        : device.isTrusted(at: now) ? "trusted until \(formatter.string(from: device.trustedUntil!))"
                        : "known"
                    print("\(device.deviceID)\t\(state)\tlast seen \(formatter.string(from: device.lastSeen))\t\(device.label)")
                }
            }
        }
    }

    struct Trust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a device trusted (e.g. a managed laptop).")
        @OptionGroup var options: ConfigOptions
        @Argument var username: String
        @Argument var deviceID: String
        @Option(help: "Days of trust.") var days: Int = 30

        func validate() throws {
            guard (1...400).contains(days) else { throw ValidationError("--days must be 1…400") }
        }

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                let user = try await DeviceCommand.user(runtime, username)
                try await runtime.service.adminTrustDevice(user: user, deviceID: deviceID,
                                                           until: Date().addingTimeInterval(Double(days) * 86_400),
                                                           by: "cli")
                print("trusted \(deviceID) for \(user.username) for \(days) days")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke (block) a device: it is new again.")
        @OptionGroup var options: ConfigOptions
        @Argument var username: String
        @Argument var deviceID: String

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                let user = try await DeviceCommand.user(runtime, username)
                do {
                    try await runtime.service.revokeDevice(user: user, deviceID: deviceID, by: "cli", client: nil)
                } catch let error as StepUpError {
                    throw CLIError(error.reason)
                }
                print("revoked \(deviceID) for \(user.username)")
            }
        }
    }
}
