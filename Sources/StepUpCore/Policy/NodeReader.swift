import Foundation
import Yams

/// Walks a composed YAML tree, reporting every problem with its position instead of stopping at the first.
struct NodeReader {
    let file: String
    private(set) var diagnostics: [PolicyDiagnostic] = []
    /// Bounds the work on hostile input (aliases can make a small file a huge tree).
    private var budget = 200_000

    init(file: String) { self.file = file }

    mutating func error(_ node: Node?, _ message: String) { report(.error, node?.mark, message) }
    mutating func warning(_ node: Node?, _ message: String) { report(.warning, node?.mark, message) }

    mutating func report(_ severity: PolicyDiagnostic.Severity, _ mark: Mark?, _ message: String) {
        diagnostics.append(PolicyDiagnostic(
            severity: severity, file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// Whether the node budget is spent (one error is reported the first time).
    mutating func spend() -> Bool {
        budget -= 1
        if budget == 0 { report(.error, nil, "the file is too large or too deeply aliased to check") }
        return budget <= 0
    }

    /// The entries of a mapping with string keys, reporting keys not in `allowed` (an empty set allows any).
    mutating func mapping(
        _ node: Node, _ what: String, allowed: Set<String> = []
    ) -> [(key: String, keyNode: Node, value: Node)]? {
        guard !spend() else { return nil }
        guard let mapping = node.mapping else {
            error(node, "\(what) must be a mapping")
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                error(keyNode, "keys in \(what) must be strings")
                continue
            }
            if !allowed.isEmpty, !allowed.contains(key) {
                let known = allowed.sorted().joined(separator: ", ")
                error(keyNode, "unknown key '\(key)' in \(what) (known keys: \(known))")
                continue
            }
            entries.append((key, keyNode, value))
        }
        return entries
    }

    /// The items of a sequence; a single scalar counts as a one-item list.
    mutating func list(_ node: Node, _ what: String) -> [Node]? {
        guard !spend() else { return nil }
        switch node {
        case .sequence(let sequence): return Array(sequence)
        case .scalar: return [node]
        case .mapping, .alias:
            error(node, "\(what) must be a list")
            return nil
        }
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        guard let scalar = node.scalar, !isNull(node) else {
            error(node, "\(what) must be a string")
            return nil
        }
        return scalar.string
    }

    mutating func strings(_ node: Node, _ what: String) -> [(String, Node)]? {
        guard let items = list(node, what) else { return nil }
        var result: [(String, Node)] = []
        for item in items {
            if let value = string(item, "each item of \(what)") { result.append((value, item)) }
        }
        return result
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard node.scalar != nil, let value = node.bool else {
            error(node, "\(what) must be true or false")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, _ what: String) -> Double? {
        guard node.scalar != nil, let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            error(node, "\(what) must be a number")
            return nil
        }
        return value
    }

    /// A number at its exact decimal value (for comparison bounds, so `> 9007199254740992` means what it says).
    mutating func exactNumber(_ node: Node, _ what: String) -> ExactNumber? {
        if let scalar = node.scalar, scalar.style == .plain, node.int != nil || node.float != nil {
            if let exact = ExactNumber(parsing: scalar.string.replacingOccurrences(of: "_", with: "")) { return exact }
            if let integer = node.int { return ExactNumber(integer) }
        }
        error(node, "\(what) must be a number")
        return nil
    }

    func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && node.null != nil
    }
}

extension NodeReader {
    mutating func report(_ severity: PolicyDiagnostic.Severity, line: Int, column: Int, _ message: String) {
        diagnostics.append(PolicyDiagnostic(
            severity: severity, file: file, line: line, column: column, message: message))
    }
}
