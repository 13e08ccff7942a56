import ArgumentParser
import Foundation
import StepUpCore
import StepUpServer

/// `stepup policy check|test|explain`: thin wrappers over ``PolicyCLI`` (the logic is tested in StepUpCore).
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check, test and explain policy files.",
        subcommands: [Check.self, Test.self, Explain.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every error and warning with file:line:col; exit 1 if there are errors.")

        @Argument(help: "The policy file.") var file: String
        @OptionGroup var lists: ListNames

        func run() async throws {
            try emit(PolicyCLI.check(yaml: try readFile(file), file: file, reputationLists: try lists.names()))
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the cases of a CASES.yaml against the policy; exit 1 on any mismatch.")

        @Argument(help: "The policy file.") var file: String
        @Argument(help: "The cases file.") var cases: String
        @OptionGroup var lists: ListNames

        func run() async throws {
            let output = PolicyCLI.test(
                yaml: try readFile(file), file: file, cases: try readFile(cases), casesFile: cases, now: Date(),
                reputationLists: try lists.names())
            try emit(output)
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the decision for a request and why each rule matched or not, as JSON.")

        @Argument(help: "The policy file.") var file: String
        @Option(help: "The request as JSON: action, subject, resource, context, session, risk.") var request: String?
        @Option(help: "With --url: the HTTP method of the request the routes map (default GET).") var method: String?
        @Option(help: "An HTTP request's URL (https://host/path?query or /path): the policy's routes name the action.")
        var url: String?
        @OptionGroup var lists: ListNames

        func validate() throws {
            if request == nil, url == nil { throw ValidationError("give --request JSON, --url URL, or both") }
            if method != nil, url == nil { throw ValidationError("--method needs --url") }
        }

        func run() async throws {
            try emit(PolicyCLI.explain(yaml: try readFile(file), file: file, request: request, method: method,
                                       url: url, now: Date(), reputationLists: try lists.names()))
        }
    }
}

/// `--config`: where the reputation list names a policy may refer to come from.
struct ListNames: ParsableArguments {
    @Option(name: .long,
            help: "A stepup.yaml naming the reputation lists the policy may use (default: ./stepup.yaml if any).")
    var config: String?

    /// The configured list names; `nil` when there is no configuration (then naming a list is an error).
    func names() throws -> Set<String>? {
        let path = config ?? "stepup.yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            if config != nil { throw ValidationError("no configuration at \(path)") }
            return nil
        }
        do {
            return Set(try ConfigFile.load(path: path).network.reputationLists.keys)
        } catch let error as ConfigError {
            throw CLIError(error.description)
        }
    }
}

private func readFile(_ path: String) throws -> String {
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw ValidationError("cannot read \(path): \(error.localizedDescription)")
    }
}

private func emit(_ output: PolicyCLI.Output) throws {
    print(output.text, terminator: "")
    if output.exitCode != 0 { throw ExitCode(output.exitCode) }
}
