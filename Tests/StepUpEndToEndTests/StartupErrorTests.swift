import Foundation
import StepUpTestSupport
import Testing

/// A broken configuration or policy stops `stepup` with a `file:line:col` message and a non-zero exit.
@Suite("Startup errors", .heavy, .serialized, .timeLimit(.minutes(5)))
struct StartupErrorTests {
    func initialised() async throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-bad-\(UUID().uuidString)")
        let result = try await ExternalTool.run(ExternalTool.stepupBinary, ["init", "--directory", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        return directory
    }

    @Test func anInvalidPolicyRefusesToStart() async throws {
        let directory = try await initialised()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("policy.yaml")
        try "levels:\n  aal1: {rank: 1}\nrules:\n  - id: r1\n    when: {action: 'x.*'}\n    require: aal9\n"
            .write(to: policy, atomically: true, encoding: .utf8)
        let serve = try await ExternalTool.run(ExternalTool.stepupBinary,
                                         ["serve", "--port", "0", "--config", directory.appendingPathComponent("stepup.yaml").path])
        #expect(serve.status != 0)
        #expect(serve.stderr.contains(policy.path + ":"), "\(serve.stderr)")
        let check = try await ExternalTool.run(ExternalTool.stepupBinary, ["policy", "check", policy.path])
        #expect(check.status == 1)
        #expect(check.stdout.contains(policy.path + ":") || check.stderr.contains(policy.path + ":"))
    }

    @Test func anUnknownConfigurationKeyIsReportedWithItsPosition() async throws {
        let directory = try await initialised()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("stepup.yaml")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "  port: 8080", with: "  prot: 8080")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let serve = try await ExternalTool.run(ExternalTool.stepupBinary, ["serve", "--port", "0", "--config", config.path],
                                               timeout: .seconds(30))
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("\(config.path):"), "\(serve.stderr)")
        #expect(serve.stderr.contains("unknown key 'prot'"), "\(serve.stderr)")
    }

    @Test func aDatabaseFromANewerStepUpIsRefused() async throws {
        guard let sqlite = ExternalTool.require("sqlite3", package: "sqlite3") else { return }
        let directory = try await initialised()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("stepup.yaml").path
        let added = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "add", "zoe", "--config", config],
                                         input: "a long enough password\n")
        #expect(added.status == 0, "\(added.stderr)")
        let tables = try await ExternalTool.run(sqlite, [directory.appendingPathComponent("stepup.sqlite").path, ".tables"])
        let versionTable = tables.stdout.split(whereSeparator: \.isWhitespace).first { $0.contains("schema") }
        let table = try #require(versionTable.map(String.init), "no schema version table in \(tables.stdout)")
        let bumped = try await ExternalTool.run(sqlite, [directory.appendingPathComponent("stepup.sqlite").path,
                                                   "UPDATE \(table) SET version = 999"])
        #expect(bumped.status == 0, "\(bumped.stderr)")
        let list = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "list", "--config", config])
        #expect(list.status != 0)
        #expect(list.stderr.contains("newer"), "\(list.stderr)")
    }

    @Test func userCommandsRejectBadInput() async throws {
        let directory = try await initialised()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("stepup.yaml").path
        let empty = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "add", "amy", "--config", config], input: "")
        #expect(empty.status != 0)
        let short = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "add", "amy", "--config", config],
                                         input: "short\n")
        #expect(short.status != 0 && short.stderr.contains("8 characters"), "\(short.stderr)")
        let ok = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "add", "amy", "--config", config],
                                      input: "a long enough password\n")
        #expect(ok.status == 0)
        let duplicate = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "add", "AMY", "--config", config],
                                             input: "a long enough password\n")
        #expect(duplicate.status != 0 && duplicate.stderr.contains("taken"), "\(duplicate.stderr)")
        let disabled = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "disable", "amy", "--config", config])
        #expect(disabled.status == 0)
        let listed = try await ExternalTool.run(ExternalTool.stepupBinary, ["user", "list", "--config", config])
        #expect(listed.stdout.contains("amy") && listed.stdout.contains("disabled"))
        let again = try await ExternalTool.run(ExternalTool.stepupBinary, ["init", "--directory", directory.path])
        #expect(again.status != 0, "init never overwrites without --force")
    }
}
