import Foundation
import StepUpTestSupport
import Testing

/// `stepup device …` and `stepup address …` against a real database file.
@Suite("Admin CLI", .heavy, .serialized, .timeLimit(.minutes(5)))
struct AdminCLITests {
    @Test func theDemoPolicyPassesItsOwnCases() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-cases-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path, "--policy", "demo"]).status == 0)
        let policy = directory.appendingPathComponent("policy.yaml").path
        let cases = directory.appendingPathComponent("policy-cases.yaml").path
        let passed = try await ExternalTool.run(stepup, ["policy", "test", policy, cases])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        // A policy edit that breaks a case is caught with a non-zero exit.
        let text = try String(contentsOfFile: policy, encoding: .utf8).replacingOccurrences(of: "max_age: 0", with: "max_age: 1h")
        try text.write(toFile: policy, atomically: true, encoding: .utf8)
        let failed = try await ExternalTool.run(stepup, ["policy", "test", policy, cases])
        #expect(failed.status == 1, "\(failed.stdout)")
    }

    @Test func devicesAndAddressesCanBeManagedFromTheCommandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let config = directory.appendingPathComponent("stepup.yaml").path
        #expect(try await ExternalTool.run(stepup, ["user", "add", "dora", "--config", config],
                                     input: "dora's long password\n").status == 0)

        let trust = try await ExternalTool.run(stepup, ["device", "trust", "dora", "laptop-42", "--days", "10", "--config", config])
        #expect(trust.status == 0, "\(trust.stderr)")
        let listed = try await ExternalTool.run(stepup, ["device", "list", "dora", "--config", config])
        #expect(listed.stdout.contains("laptop-42") && listed.stdout.contains("trusted until"), "\(listed.stdout)")
        let revoked = try await ExternalTool.run(stepup, ["device", "revoke", "dora", "laptop-42", "--config", config])
        #expect(revoked.status == 0)
        let after = try await ExternalTool.run(stepup, ["device", "list", "dora", "--config", config])
        #expect(after.stdout.contains("revoked"))
        // Revocation can be undone: an administrator trusting the device again reinstates it.
        let again = try await ExternalTool.run(stepup, ["device", "trust", "dora", "laptop-42", "--days", "1", "--config", config])
        #expect(again.status == 0, "\(again.stderr)")
        let restored = try await ExternalTool.run(stepup, ["device", "list", "dora", "--config", config])
        #expect(!restored.stdout.contains("revoked") && restored.stdout.contains("trusted until"), "\(restored.stdout)")
        let unknown = try await ExternalTool.run(stepup, ["device", "revoke", "dora", "nope", "--config", config])
        #expect(unknown.status != 0)
        let nobody = try await ExternalTool.run(stepup, ["device", "list", "ghost", "--config", config])
        #expect(nobody.status != 0 && nobody.stderr.contains("no user named"))

        let block = try await ExternalTool.run(stepup, ["address", "mark", "blocked", "203.0.113.0/24", "--note", "abuse",
                                                  "--config", config])
        #expect(block.status == 0, "\(block.stderr)")
        let bad = try await ExternalTool.run(stepup, ["address", "mark", "blocked", "not-an-ip", "--config", config])
        #expect(bad.status != 0)
        let verdict = try await ExternalTool.run(stepup, ["address", "mark", "maybe", "203.0.113.0/24", "--config", config])
        #expect(verdict.status != 0)
        let rules = try await ExternalTool.run(stepup, ["address", "list", "--config", config])
        #expect(rules.stdout.contains("203.0.113.0/24\tblocked\tabuse"), "\(rules.stdout)")
        #expect(try await ExternalTool.run(stepup, ["address", "remove", "203.0.113.0/24", "--config", config]).status == 0)
        #expect(try await ExternalTool.run(stepup, ["address", "list", "--config", config]).stdout.isEmpty)
    }
}
