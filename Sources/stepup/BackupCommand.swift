import ArgumentParser
import Foundation
import StepUpCore
import StepUpServer
import StepUpStore

/// `stepup backup FILE`: a consistent copy of the SQLite database, taken while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to FILE through SQLite's online backup API (safe while serving).",
        discussion: """
        The copy is the database as of one moment; the server keeps answering meanwhile. FILE must not exist.
        Restore by stopping the server and putting the copy in place of storage.sqlite. For PostgreSQL use pg_dump
        (see the README).
        """
    )

    @OptionGroup var options: ConfigOptions
    @Argument(help: "Where to write the copy (must not exist).") var file: String

    func run() async throws {
        guard let configuration = try options.load() else { throw CLIError("no configuration") }
        let source = configuration.storage.sqlitePath
        do {
            let pages = try await SQLiteOnlineBackup.copy(from: source, to: file)
            emit("backed up \(source) to \(file) (\(pages) pages)")
        } catch let error as StoreError {
            throw CLIError("backup failed: \(error.reason)")
        }
    }
}
