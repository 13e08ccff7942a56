/// One problem found in a policy file, with its position (`file:line:col`).
public struct PolicyDiagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var file: String
    /// 1-based line and column (columns count Unicode scalars, as libyaml does).
    public var line: Int
    public var column: Int
    public var message: String

    public init(severity: Severity, file: String, line: Int, column: Int, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:col: error: message`, the form compilers use so editors can jump to it.
    public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
}

/// All errors and warnings of one policy file, in file order.
public struct PolicyDiagnostics: Sendable, Hashable, Codable, CustomStringConvertible {
    public var items: [PolicyDiagnostic]

    public init(_ items: [PolicyDiagnostic] = []) { self.items = items }

    public var errors: [PolicyDiagnostic] { items.filter { $0.severity == .error } }
    public var warnings: [PolicyDiagnostic] { items.filter { $0.severity == .warning } }
    public var hasErrors: Bool { items.contains { $0.severity == .error } }

    /// One diagnostic per line, sorted by position.
    public var description: String { sorted().items.map(\.description).joined(separator: "\n") }

    func sorted() -> PolicyDiagnostics {
        PolicyDiagnostics(items.enumerated().sorted { lhs, rhs in
            (lhs.element.line, lhs.element.column, lhs.offset) < (rhs.element.line, rhs.element.column, rhs.offset)
        }.map(\.element))
    }
}

/// Thrown by ``Policy/load(yaml:file:)`` when the file has errors; the running policy stays in place.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: PolicyDiagnostics

    public init(diagnostics: PolicyDiagnostics) { self.diagnostics = diagnostics }

    public var description: String {
        "the policy is invalid (\(diagnostics.errors.count) error(s)); fix these and load it again:\n\(diagnostics)"
    }
}
