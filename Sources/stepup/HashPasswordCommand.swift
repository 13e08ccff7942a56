import ArgumentParser
import Foundation
import StepUpCrypto

/// `stepup hash-password`: reads a password on stdin (one trailing newline stripped), prints an Argon2id PHC string.
struct HashPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Hash a password read from stdin with Argon2id and print the PHC string."
    )

    @Option(help: "Memory in KiB (default 65536 = 64 MiB).")
    var memory = Argon2Parameters().memoryKiB

    @Option(help: "Passes over memory (default 3).")
    var iterations = Argon2Parameters().iterations

    @Option(help: "Lanes computed in parallel (default 4).")
    var parallelism = Argon2Parameters().parallelism

    func validate() throws {
        guard (1...255).contains(parallelism) else { throw ValidationError("--parallelism must be 1...255") }
        guard memory >= 8 * parallelism, memory <= 4_194_304 else {
            throw ValidationError("--memory must be at least 8 × parallelism and at most 4194304 KiB")
        }
        guard (1...1000).contains(iterations) else { throw ValidationError("--iterations must be 1...1000") }
    }

    func run() async throws {
        let parameters = Argon2Parameters(memoryKiB: memory, iterations: iterations, parallelism: parallelism)
        let hasher = PasswordHasher(parameters: parameters, pool: HashingPool(threads: 1, priority: .normal))
        print(try await hasher.hash(Self.readPassword()))
    }

    /// All of stdin as UTF-8 with a single trailing "\n" (or "\r\n") removed, as `echo pw |` adds one.
    static func readPassword() -> String {
        var bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
