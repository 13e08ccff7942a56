import Foundation

/// A dotted action pattern: `*` matches one segment (or part of one), `**` one or more segments.
///
/// `payments.*` matches `payments.transfer`; `admin.**` matches `admin.users` and `admin.users.delete`.
struct ActionGlob: Sendable, Hashable, CustomStringConvertible {
    let text: String
    let segments: [Substring]

    var description: String { text }

    init(_ text: String) {
        self.text = text
        segments = text.split(separator: ".", omittingEmptySubsequences: false)
    }

    /// Whether the pattern has no wildcard at all.
    var isLiteral: Bool { !text.contains("*") }

    func matches(_ action: String) -> Bool {
        let parts = action.split(separator: ".", omittingEmptySubsequences: false)
        return Self.match(segments[...], parts[...])
    }

    private static func match(_ pattern: ArraySlice<Substring>, _ parts: ArraySlice<Substring>) -> Bool {
        guard let head = pattern.first else { return parts.isEmpty }
        if head == "**" {
            // One or more segments; try each split (patterns are short, so this stays cheap).
            guard !parts.isEmpty else { return false }
            var rest = parts.dropFirst()
            while true {
                if match(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let part = parts.first, segmentMatches(head, part) else { return false }
        return match(pattern.dropFirst(), parts.dropFirst())
    }

    /// `*` inside a segment matches any run of characters within it (`pay*` matches `payments`).
    static func segmentMatches(_ pattern: Substring, _ text: Substring) -> Bool {
        if pattern == "*" { return true }
        guard pattern.contains("*") else { return pattern == text }
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = text[...]
        for (index, piece) in pieces.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(piece) else { return false }
                rest = rest.dropFirst(piece.count)
            } else if index == pieces.count - 1 {
                return rest.hasSuffix(piece)
            } else if let range = rest.range(of: piece) {
                rest = rest[range.upperBound...]
            } else {
                return false
            }
        }
        return rest.isEmpty
    }

    /// Whether every action this pattern matches is also matched by `other` (conservative: may say no).
    func isCovered(by other: ActionGlob) -> Bool {
        if other.text == "**" || other.text == text { return true }
        if isLiteral { return other.matches(text) }
        if other.segments.last == "**" {
            let prefix = other.segments.dropLast()
            return segments.count > prefix.count && zip(prefix, segments).allSatisfy { $0 == $1 && !$0.contains("*") }
        }
        return false
    }
}
