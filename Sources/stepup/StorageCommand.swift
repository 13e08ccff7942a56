import ArgumentParser
import Foundation
import StepUpCore
import StepUpStore

struct StorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Move StepUp's data between databases.",
        subcommands: [Copy.self]
    )

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every row (users, factors, sessions, devices, audit chain, …) into an empty database.",
            discussion: """
                The source may be in use: it is read in one consistent snapshot. The target must be empty (a new \
                database); it is written in one transaction and its audit chain is verified afterwards. A \
                PostgreSQL password may be given in the URL or in STEPUP_POSTGRES_PASSWORD.
                Example: stepup storage copy --from /var/lib/stepup/stepup.sqlite --to postgres://stepup@db/stepup
                """)

        @Option(help: "The source: an SQLite file, or a postgres:// URL.")
        var from: String

        @Option(help: "The empty target: a postgres:// URL, or an SQLite file.")
        var to: String

        func validate() throws {
            if !Self.isPostgres(from) && !FileManager.default.fileExists(atPath: from) {
                throw ValidationError("no SQLite database at \(from)")
            }
            if !Self.isPostgres(to) && FileManager.default.fileExists(atPath: to) {
                throw ValidationError("\(to) exists: the target must be a new database")
            }
            for location in [from, to] where Self.isPostgres(location) {
                do { _ = try PostgresSettings(url: location) } catch {
                    throw ValidationError("\(location.prefix(40))…: \(error)")
                }
            }
        }

        func run() async throws {
            let source = try await Self.open(from)
            let target: SQLStore
            do {
                target = try await Self.open(to)
            } catch {
                await source.shutdown()
                throw error
            }
            let tty = isatty(STDOUT_FILENO) == 1
            do {
                let report = try await StoreCopy.copy(from: source, to: target) { table, done, total in
                    let line = "\(table): \(Self.bar(done, total)) \(done)/\(total)"
                    if tty {
                        FileHandle.standardOutput.write(Data("\r\(line)\u{1B}[K\(done == total ? "\n" : "")".utf8))
                    } else if done == total {
                        emit(line)
                    }
                }
                await source.shutdown()
                await target.shutdown()
                let rows = report.rows.map(\.count).reduce(0, +)
                guard report.chain.isIntact else {
                    throw CLIError("copied \(rows) rows, but the target's audit chain does not verify: "
                        + (report.chain.reason ?? "broken at \(report.chain.firstBrokenSequence ?? 0)"))
                }
                emit("copied \(rows) rows; audit chain intact: \(report.chain.checkedEvents) events")
            } catch let error as StoreError {
                await source.shutdown()
                await target.shutdown()
                throw CLIError("storage copy failed: \(error.reason)")
            }
        }

        static func isPostgres(_ location: String) -> Bool {
            location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
        }

        static func open(_ location: String) async throws -> SQLStore {
            do {
                guard isPostgres(location) else { return try await SQLStore.openSQLite(path: location) }
                var settings = try PostgresSettings(url: location)
                if settings.password == nil {
                    settings.password = ProcessInfo.processInfo.environment["STEPUP_POSTGRES_PASSWORD"]
                }
                return try await SQLStore.openPostgres(settings: settings)
            } catch let error as StoreError {
                throw CLIError(error.reason)
            }
        }

        /// A 20-character progress bar.
        static func bar(_ done: Int, _ total: Int) -> String {
            let filled = total == 0 ? 20 : min(20, done * 20 / total)
            return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
        }
    }
}
