/// Finds the rules whose action globs can match an action without looking at the others,
/// so evaluation cost grows with the rules for *this* action, not with the size of the policy.
struct RuleIndex: Sendable {
    /// Literal action globs (`bank.transfer`).
    private var exact: [Substring: [Int]] = [:]
    /// `prefix.*`, keyed by prefix: exactly one more segment.
    private var oneMore: [Substring: [Int]] = [:]
    /// `prefix.**`, keyed by prefix: one or more segments.
    private var anyMore: [Substring: [Int]] = [:]
    /// `*`: any single-segment action.
    private var singleSegment: [Int] = []
    /// Rules with no action condition, or `**`: candidates for every request.
    private var always: [Int] = []
    /// Other wildcard shapes (`pay*.transfer`, `*.export`): their globs are checked one by one.
    private(set) var generic: [Int] = []

    init(_ rules: [PolicyRule]) {
        for (index, rule) in rules.enumerated() {
            guard let globs = rule.actions else {
                always.append(index)
                continue
            }
            if globs.contains(where: { !Self.isIndexable($0) }) {
                generic.append(index)
                continue
            }
            for glob in globs { add(index, glob) }
        }
    }

    private static func isIndexable(_ glob: ActionGlob) -> Bool {
        if glob.isLiteral || glob.text == "*" || glob.text == "**" { return true }
        let head = glob.segments.dropLast()
        guard let last = glob.segments.last, last == "*" || last == "**" else { return false }
        return head.allSatisfy { !$0.contains("*") }
    }

    private mutating func add(_ index: Int, _ glob: ActionGlob) {
        if glob.isLiteral { return Self.append(index, to: &exact, Substring(glob.text)) }
        if glob.text == "*" { return singleSegment.append(index) }
        if glob.text == "**" { return always.append(index) }
        let prefix = Substring(glob.segments.dropLast().joined(separator: "."))
        if glob.segments.last == "*" {
            Self.append(index, to: &oneMore, prefix)
        } else {
            Self.append(index, to: &anyMore, prefix)
        }
    }

    private static func append(_ index: Int, to table: inout [Substring: [Int]], _ key: Substring) {
        if table[key]?.last != index { table[key, default: []].append(index) }
    }

    /// Indices of rules whose action glob matches `action` (plus the rules that match any action),
    /// ascending and without duplicates; `generic` rules are not included.
    func candidates(for action: String, into result: inout [Int]) {
        result.append(contentsOf: always)
        let whole = action[...]
        if let hits = exact[whole] { result.append(contentsOf: hits) }
        var sawDot = false
        var index = whole.startIndex
        while index < whole.endIndex {
            if whole[index] == "." {
                let prefix = whole[..<index]
                let rest = whole[whole.index(after: index)...]
                if !rest.isEmpty {
                    if let hits = anyMore[prefix] { result.append(contentsOf: hits) }
                    if let hits = oneMore[prefix], !rest.contains(".") { result.append(contentsOf: hits) }
                }
                sawDot = true
            }
            index = whole.index(after: index)
        }
        if !sawDot, !action.isEmpty { result.append(contentsOf: singleSegment) }
        if result.count > 1 {
            result.sort()
            var last = -1
            result.removeAll { value in
                defer { last = value }
                return value == last
            }
        }
    }
}
