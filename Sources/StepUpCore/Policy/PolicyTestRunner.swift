import Foundation

/// Runs ``PolicyTestCases`` against a policy and reports each mismatch as an expected/actual diff.
public enum PolicyTestRunner {
    public struct Failure: Sendable, Hashable {
        public var name: String
        public var line: Int
        /// One line per differing field: `level: expected aal2, got aal3`.
        public var differences: [String]
    }

    public static func run(_ cases: PolicyTestCases, policy: Policy) -> [Failure] {
        cases.cases.compactMap { testCase in
            let differences = compare(testCase.expect, Self.observe(testCase.input, policy: policy))
            guard !differences.isEmpty else { return nil }
            return Failure(name: testCase.name, line: testCase.line, differences: differences)
        }
    }

    /// What the decision would be: the policy result, then the session checked against a requirement.
    struct Observed {
        var outcome: String
        var requirement: Requirement?
        var reason: String?
        var rules: [String]
    }

    static func observe(_ input: PolicyInput, policy: Policy) -> Observed {
        let result = policy.evaluate(input)
        switch result.outcome {
        case .allow: return Observed(outcome: "allow", rules: result.rules)
        case .deny(let reason): return Observed(outcome: "deny", reason: reason, rules: result.rules)
        case .require(let requirement):
            // As DecisionEngine decides: any level at least as strong counts.
            var satisfied = false
            if !requirement.needsGrant, let level = policy.ladder[requirement.level], let session = input.session {
                satisfied = policy.ladder.levels(atLeast: level).contains {
                    session.satisfies($0, at: input.now, maxAge: requirement.maxAge,
                                      allowedFactors: requirement.allowedFactors)
                }
            }
            return Observed(outcome: satisfied ? "allow" : "step_up", requirement: requirement, rules: result.rules)
        }
    }

    private static func compare(_ expect: PolicyTestCases.Expectation, _ got: Observed) -> [String] {
        var lines: [String] = []
        func check(_ field: String, _ expected: String?, _ actual: String?) {
            guard let expected, expected != actual else { return }
            lines.append("\(field): expected \(expected), got \(actual ?? "none")")
        }
        func list(_ items: [String]?) -> String? { items.map { "[" + $0.joined(separator: ", ") + "]" } }
        check("outcome", expect.outcome, got.outcome)
        check("level", expect.level, got.requirement?.level)
        check("max_age", expect.maxAge.map { "\(Int($0))s" }, got.requirement?.maxAge.map { "\(Int($0))s" })
        check("factors", list(expect.factors), list(got.requirement?.allowedFactors?.map(\.rawValue).sorted()))
        check("bind", list(expect.bind), list(got.requirement?.bind))
        check("rules", list(expect.rules), list(got.rules))
        check("message", expect.message, got.requirement?.message)
        if let reason = expect.reason, !(got.reason ?? "").contains(reason) {
            let actual = got.reason.map { "\"\($0)\"" } ?? "none"
            lines.append("reason: expected text containing \"\(reason)\", got \(actual)")
        }
        return lines
    }
}
