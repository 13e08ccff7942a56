import Foundation
import Yams

/// Operator-written cases kept beside a policy, like unit tests: a request and the expected outcome.
///
/// ```yaml
/// cases:
///   - name: large transfer needs a fresh approval
///     action: bank.transfer
///     context: {transaction: {amount: 1500, currency: EUR, payee: ACME}}
///     session: {factors: [password, totp]}
///     expect: {outcome: step_up, level: aal2, max_age: 0, rules: [transfer, transfer-large]}
/// ```
public struct PolicyTestCases: Sendable {
    public struct Case: Sendable {
        public var name: String
        public var line: Int
        public var input: PolicyInput
        public var expect: Expectation
    }

    /// What should happen; only the keys given are compared.
    public struct Expectation: Sendable, Hashable {
        /// `allow`, `deny` or `step_up` — after checking the session against the requirement.
        public var outcome: String?
        public var level: String?
        public var maxAge: TimeInterval?
        public var factors: [String]?
        public var bind: [String]?
        public var rules: [String]?
        /// Text the deny reason must contain.
        public var reason: String?
        public var message: String?
    }

    public var cases: [Case]
    public var diagnostics: PolicyDiagnostics

    static let expectKeys: Set<String> = ["outcome", "level", "max_age", "factors", "bind", "rules", "reason",
                                          "message"]

    /// Parses a CASES.yaml: a list of cases, or `{cases: [...]}`. Times default to `now`.
    public static func parse(yaml: String, file: String, now: Date) -> PolicyTestCases {
        var parser = PolicyInputParser(file: file, now: now)
        let root: Node?
        do {
            root = try YAMLGuard.compose(yaml)
        } catch {
            parser.reader.report(.error, line: 1, column: 1, "the cases file is not valid YAML: \(error)")
            return PolicyTestCases(cases: [], diagnostics: PolicyDiagnostics(parser.reader.diagnostics))
        }
        var list = root
        if let root, root.mapping != nil {
            list = parser.reader.mapping(root, "the cases file", allowed: ["cases"])?.first?.value
        }
        var cases: [Case] = []
        for (index, node) in (list.flatMap { parser.reader.list($0, "cases") } ?? []).enumerated() {
            guard let input = parser.input(node, extra: ["name", "expect"]) else { continue }
            let name = node["name"]?.string ?? "case \(index + 1)"
            guard let expectNode = node["expect"] else {
                parser.reader.error(node, "case '\(name)' has no 'expect'")
                continue
            }
            let expect = expectation(expectNode, reader: &parser.reader)
            cases.append(Case(name: name, line: node.mark?.line ?? 1, input: input, expect: expect))
        }
        if cases.isEmpty, !parser.reader.diagnostics.contains(where: { $0.severity == .error }) {
            parser.reader.report(.error, line: 1, column: 1, "the cases file has no cases")
        }
        return PolicyTestCases(cases: cases, diagnostics: PolicyDiagnostics(parser.reader.diagnostics))
    }

    private static func expectation(_ node: Node, reader: inout NodeReader) -> Expectation {
        var expect = Expectation()
        guard let entries = reader.mapping(node, "expect", allowed: expectKeys) else { return expect }
        for entry in entries {
            switch entry.key {
            case "outcome":
                expect.outcome = reader.string(entry.value, "outcome")
                if let outcome = expect.outcome, !["allow", "deny", "step_up"].contains(outcome) {
                    reader.error(entry.value, "outcome must be allow, deny or step_up")
                }
            case "level": expect.level = reader.string(entry.value, "level")
            case "max_age":
                expect.maxAge = entry.value.scalar.flatMap { PolicyParser.seconds($0.string) }
                if expect.maxAge == nil { reader.error(entry.value, "max_age must be a duration (0, 90s, 5m, 24h)") }
            case "factors": expect.factors = reader.strings(entry.value, "factors")?.map(\.0).sorted()
            case "bind": expect.bind = reader.strings(entry.value, "bind")?.map(\.0)
            case "rules": expect.rules = reader.strings(entry.value, "rules")?.map(\.0)
            case "reason": expect.reason = reader.string(entry.value, "reason")
            default: expect.message = reader.string(entry.value, "message")
            }
        }
        return expect
    }
}
