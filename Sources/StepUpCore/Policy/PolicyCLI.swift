import Foundation
import Yams

/// The logic of `stepup policy …`: each command takes file contents (the CLI reads the files) and returns
/// the text to print and the exit code, so it is tested without a process.
public enum PolicyCLI {
    public struct Output: Sendable, Hashable {
        public var text: String
        public var exitCode: Int32
    }

    /// `stepup policy check FILE`: every error and warning with its position; exit 0 when there are no errors.
    ///
    /// - Parameter reputationLists: the names of `network.reputation_lists` from `--config`; nil without it
    ///   (then a list name in the risk section is an error that says to pass `--config`).
    public static func check(yaml: String, file: String, reputationLists: Set<String>? = nil) -> Output {
        let (policy, diagnostics) = Policy.check(yaml: yaml, file: file, reputationLists: reputationLists)
        var lines = diagnostics.items.map(\.description)
        guard let policy else {
            lines.append("\(file): \(diagnostics.errors.count) error(s), \(diagnostics.warnings.count) warning(s)")
            return Output(text: lines.joined(separator: "\n") + "\n", exitCode: 1)
        }
        lines.append("\(file): ok: version \(policy.version), \(policy.ladder.levels.count) levels, "
            + "\(policy.rules.count) rules, \(diagnostics.warnings.count) warning(s)")
        return Output(text: lines.joined(separator: "\n") + "\n", exitCode: 0)
    }

    /// `stepup policy test FILE CASES`: runs every case; a readable diff and exit 1 on any mismatch.
    public static func test(
        yaml: String, file: String, cases: String, casesFile: String, now: Date, reputationLists: Set<String>? = nil
    ) -> Output {
        let (policy, diagnostics) = Policy.check(yaml: yaml, file: file, reputationLists: reputationLists)
        guard let policy else { return check(yaml: yaml, file: file, reputationLists: reputationLists) }
        let parsed = PolicyTestCases.parse(yaml: cases, file: casesFile, now: now)
        var lines = diagnostics.warnings.map(\.description)
        if parsed.diagnostics.hasErrors {
            lines += parsed.diagnostics.items.map(\.description)
            return Output(text: lines.joined(separator: "\n") + "\n", exitCode: 1)
        }
        let failures = PolicyTestRunner.run(parsed, policy: policy)
        for failure in failures {
            lines.append("FAIL \(casesFile):\(failure.line): \(failure.name)")
            lines += failure.differences.map { "    " + $0 }
        }
        let passed = parsed.cases.count - failures.count
        lines.append("\(passed) passed, \(failures.count) failed (policy version \(policy.version))")
        return Output(text: lines.joined(separator: "\n") + "\n", exitCode: failures.isEmpty ? 0 : 1)
    }

    /// `stepup policy explain FILE --request JSON [--method M --url URL]`: the decision and every rule's verdict,
    /// as JSON. With a URL, the policy's `routes:` turn the method and URL into the action and its attributes
    /// (the rest of the request — subject, session, risk — still comes from `request`, which may then be omitted).
    public static func explain(
        yaml: String, file: String, request: String?, method: String? = nil, url: String? = nil, now: Date,
        reputationLists: Set<String>? = nil
    ) -> Output {
        let (policy, _) = Policy.check(yaml: yaml, file: file, reputationLists: reputationLists)
        guard let policy else { return check(yaml: yaml, file: file, reputationLists: reputationLists) }
        var routedBy: PolicyRoute?
        var routed: ActionRequest?
        if let url {
            guard let (host, target) = Self.hostAndTarget(url) else {
                return Output(text: "--url must be an absolute http(s) URL or a path starting with / "
                    + "(e.g. https://app.example.com/accounts/12/transfers?amount=10)\n", exitCode: 1)
            }
            (routed, routedBy) = policy.route(method: method ?? "GET", host: host, target: target)
        } else if method != nil {
            return Output(text: "--method needs --url\n", exitCode: 1)
        }
        let text = request ?? "{}"
        let (parsed, diagnostics) = parseRequestDiagnostics(text, now: now,
                                                            defaultAction: routed == nil ? nil : "http.request")
        guard var input = parsed, !diagnostics.hasErrors else {
            return Output(text: diagnostics.description + "\n", exitCode: 1)
        }
        if let routed {
            input.request.action = routed.action
            input.request.method = routed.method
            input.request.path = routed.path
            input.request.resource.merge(routed.resource) { _, route in route }
            input.request.context.attributes.merge(routed.context.attributes) { _, route in route }
        }
        var explanation = policy.explain(input)
        explanation.route = routedBy.map { PolicyExplanation.RouteView(line: $0.line, summary: $0.summary) }
        if url != nil { explanation.action = input.request.action }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(explanation), let text = String(data: data, encoding: .utf8)
        else { return Output(text: "could not encode the explanation\n", exitCode: 1) }
        return Output(text: text + "\n", exitCode: 0)
    }

    /// `https://host:port/path?query` → (host:port, /path?query); a bare `/path?query` has no host.
    static func hostAndTarget(_ url: String) -> (host: String?, target: String)? {
        if url.hasPrefix("/") { return (nil, url) }
        guard let scheme = url.range(of: "://"), ["http", "https"].contains(url[..<scheme.lowerBound].lowercased())
        else { return nil }
        let rest = url[scheme.upperBound...]
        let slash = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let host = String(rest[..<slash])
        guard !host.isEmpty else { return nil }
        let target = rest[slash...]
        return (host, target.hasPrefix("/") ? String(target) : "/" + target)
    }

    /// Parses a request given as JSON (or YAML) with the keys of ``PolicyTestCases`` cases.
    public static func parseRequest(_ text: String, now: Date) -> PolicyInput? {
        let (input, diagnostics) = parseRequestDiagnostics(text, now: now)
        return diagnostics.hasErrors ? nil : input
    }

    static func parseRequestDiagnostics(_ text: String, now: Date, defaultAction: String? = nil)
        -> (PolicyInput?, PolicyDiagnostics)
    {
        var parser = PolicyInputParser(file: "request", now: now, defaultAction: defaultAction)
        guard text.utf8.count <= 1_000_000, let node = try? YAMLGuard.compose(text) else {
            parser.reader.report(.error, line: 1, column: 1, "the request is not valid JSON")
            return (nil, PolicyDiagnostics(parser.reader.diagnostics))
        }
        let input = parser.input(node)
        return (input, PolicyDiagnostics(parser.reader.diagnostics))
    }
}
