import Foundation
import Testing
@testable import StepUpCore

@Suite("Policy hot reload")
struct PolicyHolderTests {
    static func policyYAML(level: String) -> String {
        PolicyFixture.ladder + "\ndefault: deny\nrules:\n" + (0..<50).map {
            "  - {id: r\($0), match: {action: \"app.a\($0)\"}, require: \(level)}\n"
        }.joined() + "  - {id: last, match: {action: app.do}, require: \(level)}\n"
    }

    @Test func invalidFileKeepsTheRunningPolicy() throws {
        let holder = PolicyHolder(try Policy.load(yaml: Self.policyYAML(level: "aal1"), file: "p.yaml"))
        let before = holder.version
        let failed = holder.reload(yaml: "rules: [", file: "p.yaml")
        #expect(!failed.applied && failed.version == before && failed.diagnostics.hasErrors)
        #expect(holder.current.version == before)
        let applied = holder.reload(yaml: Self.policyYAML(level: "aal2"), file: "p.yaml")
        #expect(applied.applied && applied.previousVersion == before && applied.version != before)
        #expect(holder.version == applied.version)
    }

    /// Readers decide while a writer swaps between two policies and invalid files: every decision must come
    /// entirely from one policy (its version matches its level), never from a mix or a broken file.
    @Test func concurrentDecisionsNeverSeeAHalfLoadedPolicy() async throws {
        let one = try Policy.load(yaml: Self.policyYAML(level: "aal1"), file: "p.yaml")
        let two = try Policy.load(yaml: Self.policyYAML(level: "aal3"), file: "p.yaml")
        let expected = [one.version: "aal1", two.version: "aal3"]
        let holder = PolicyHolder(one)
        let input = PolicyFixture.input("app.do")
        let mismatches = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                for round in 0..<200 {
                    _ = holder.reload(yaml: Self.policyYAML(level: round % 2 == 0 ? "aal3" : "aal1"), file: "p.yaml")
                    _ = holder.reload(yaml: "default: [broken", file: "p.yaml")
                }
                return 0
            }
            for _ in 0..<4 {
                group.addTask {
                    var bad = 0
                    for _ in 0..<5_000 {
                        let policy = holder.current
                        let result = policy.evaluate(input)
                        if result.outcome.level != expected[policy.version] || result.rules != ["last"] { bad += 1 }
                    }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        #expect(expected[holder.version] != nil)
    }
}
