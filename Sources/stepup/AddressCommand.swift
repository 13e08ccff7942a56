import ArgumentParser
import Foundation
import StepUpCore
import StepUpGeo
import StepUpServer

struct AddressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "Mark addresses or ranges trusted or blocked for the risk engine.",
        subcommands: [List.self, Mark.self, Remove.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List address rules.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                for rule in try await runtime.service.stores.addressRules.addressRules() {
                    print("\(rule.cidr)\t\(rule.verdict.rawValue)\t\(rule.note)")
                }
            }
        }
    }

    struct Mark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mark", abstract: "Mark a CIDR range or address as trusted or blocked.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "trusted or blocked") var verdict: String
        @Argument(help: "An address or CIDR range, e.g. 203.0.113.0/24") var cidr: String
        @Option(help: "Why (kept in the audit log).") var note: String = ""

        func validate() throws {
            guard AddressRule.Verdict(rawValue: verdict) != nil else {
                throw ValidationError("the verdict is 'trusted' or 'blocked'")
            }
            guard CIDR(cidr) != nil || IPAddress(cidr) != nil else {
                throw ValidationError("'\(cidr)' is not an IP address or CIDR range")
            }
        }

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                let rule = AddressRule(cidr: cidr, verdict: AddressRule.Verdict(rawValue: verdict) ?? .blocked,
                                       note: note, createdAt: Date())
                try await runtime.service.setAddressRule(rule, by: "cli")
                print("\(cidr) is \(verdict)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the rule for a range.")
        @OptionGroup var options: ConfigOptions
        @Argument var cidr: String

        func run() async throws {
            try await UserCommand.withRuntime(options) { runtime in
                try await runtime.service.removeAddressRule(cidr: cidr, by: "cli")
                print("removed \(cidr)")
            }
        }
    }
}
