import ArgumentParser
import Foundation
import StepUpCrypto

/// `stepup verify-password PHC`: exit 0 when the password on stdin matches, 1 when not, 2 for a malformed hash.
struct VerifyPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-password",
        abstract: "Check a password read from stdin against a hash (Argon2 PHC, bcrypt, PBKDF2 or scrypt).",
        discussion: "Exit status: 0 match, 1 mismatch, 2 malformed or refused hash (reason on stderr)."
    )

    @Argument(help: "The stored hash, e.g. $argon2id$v=19$m=65536,t=3,p=4$…$…")
    var hash: String

    func run() async throws {
        let hasher = PasswordHasher(pool: HashingPool(threads: 1, priority: .normal))
        let result: PasswordVerification
        do {
            result = try await hasher.verify(HashPasswordCommand.readPassword(), against: hash)
        } catch let error as PasswordHashError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if result.isMatch && result.needsRehash {
            let note = "note: \(result.scheme.rawValue) hash is weaker than current settings; re-hash it\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        if !result.isMatch { throw ExitCode(1) }
    }
}
