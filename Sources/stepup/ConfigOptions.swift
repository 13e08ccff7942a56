import ArgumentParser
import Foundation
import Logging
import StepUpServer

/// `--config` and `--log-level`, shared by the commands that open StepUp's database.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file (default: ./stepup.yaml).")
    var config: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
    }

    /// The configuration from `--config`, or `./stepup.yaml`; `nil` when neither exists and `optional`.
    func load(optional: Bool = false) throws -> ServerConfiguration? {
        let path = config ?? "stepup.yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            if optional && config == nil { return nil }
            throw ValidationError("no configuration at \(path): run `stepup init` first, or pass --config FILE")
        }
        do {
            return try ConfigFile.load(path: path)
        } catch let error as ConfigError {
            throw CLIError(error.description)
        }
    }

    func logger() -> Logger {
        var logger = Logger(label: "stepup")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }
}

/// An error whose message is printed as is, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reads a secret from standard input (one line, trailing newline removed).
func readSecretFromStandardInput(what: String) throws -> String {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    var text = String(decoding: data, as: UTF8.self)
    if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
    guard !text.isEmpty else { throw CLIError("no \(what) on standard input") }
    return text
}

/// Writes a line to standard output at once (unbuffered), so a supervisor or test sees it immediately. A reader
/// that went away (`| head`) is not an error here.
func emit(_ text: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
}

/// For commands that start processes of their own (the benchmarks' servers, nginx): a reader of their output that
/// goes away (`stepup bench edge | head -3`) must not kill them before they stop what they started.
func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
}
