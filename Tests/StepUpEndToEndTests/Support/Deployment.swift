import Foundation
import Synchronization
import Testing

/// A `stepup init` directory with one user, alice, whose configuration a test can amend before starting.
struct Deployment {
    let directory: URL
    let password = "alice's long password"
    var config: String { directory.appendingPathComponent("stepup.yaml").path }
    var database: String { directory.appendingPathComponent("stepup.sqlite").path }

    /// `init`, then `edit` on the configuration text and `prepare` on the directory (before the database
    /// exists), then `user add alice`.
    static func make(_ name: String, edit: (String) -> String = { $0 },
                     prepare: (URL) throws -> Void = { _ in }) async throws -> Deployment {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-\(name)-\(UUID().uuidString)")
        let deployment = Deployment(directory: directory)
        let stepup = ExternalTool.stepupBinary
        let initialised = try await ExternalTool.run(stepup, ["init", "--directory", directory.path])
        try #require(initialised.status == 0, "\(initialised.stderr)")
        let text = try String(contentsOfFile: deployment.config, encoding: .utf8)
        try edit(text).write(toFile: deployment.config, atomically: true, encoding: .utf8)
        try prepare(directory)
        let added = try await ExternalTool.run(stepup, ["user", "add", "alice", "--config", deployment.config],
                                               input: deployment.password + "\n")
        try #require(added.status == 0, "\(added.stderr)")
        return deployment
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The metrics token `stepup init` wrote.
    var metricsToken: String? {
        guard let text = try? String(contentsOfFile: config, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.contains("token: \"") })
        else { return nil }
        return line.split(separator: "\"").dropFirst().first.map(String.init)
    }

    /// A copy of the configuration that points at another database file (to run the CLI on a backup).
    func configuration(forDatabase path: String) throws -> String {
        let text = try String(contentsOfFile: config, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("sqlite:") ? "  sqlite: \(path)" : String(line)
        }
        let copy = directory.appendingPathComponent("stepup-\(UUID().uuidString).yaml").path
        try lines.joined(separator: "\n").write(toFile: copy, atomically: true, encoding: .utf8)
        return copy
    }

    /// Signs alice in; her session token.
    func signIn(_ http: HTTP) async throws -> String {
        let login = try await http.send(.POST, "/v1/sessions", json: ["username": "alice", "password": password])
        return try #require(login.json?["token"] as? String, "\(login.status) \(login.body)")
    }

    /// Runs `sqlite3` on the database (waiting up to 5 s for a running server's locks); its trimmed output.
    static func sqlite(_ database: String, _ sql: String) async throws -> String {
        guard let sqlite = ExternalTool.find("sqlite3") else { throw ToolMissing(name: "sqlite3") }
        let result = try await ExternalTool.run(sqlite, ["-cmd", ".timeout 5000", database, sql])
        try #require(result.status == 0, "sqlite3 \(sql): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct ToolMissing: Error { var name: String }
}
