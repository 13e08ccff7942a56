/// Finds the rules whose action globs can match an action without looking at the others,
/// so evaluation cost grows with the rules for *this* action, not with the size of the policy.
struct RuleIndex: Sendable {
    /// Rules keyed by a dotted name: exact globs of that name, `name.*` and `name.**` globs.
    struct Bucket: Sendable {
        var exact: [Int] = []
        /// `name.*`: exactly one more segment.
        var oneMore: [Int] = []
        /// `name.**`: one or more segments.
        var anyMore: [Int] = []
    }

    private var buckets: [Substring: Bucket] = [:]
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
        if glob.text == "*" { return Self.append(index, to: &singleSegment) }
        if glob.text == "**" { return Self.append(index, to: &always) }
        if glob.isLiteral { return Self.append(index, to: &buckets[Substring(glob.text), default: Bucket()].exact) }
        let prefix = Substring(glob.segments.dropLast().joined(separator: "."))
        if glob.segments.last == "*" {
            Self.append(index, to: &buckets[prefix, default: Bucket()].oneMore)
        } else {
            Self.append(index, to: &buckets[prefix, default: Bucket()].anyMore)
        }
    }

    private static func append(_ index: Int, to list: inout [Int]) {
        if list.last != index { list.append(index) }
    }

    /// Indices of rules whose action glob matches `action` (plus the rules that match any action),
    /// ascending and without duplicates; `generic` rules are not included.
    func candidates(for action: String, into result: inout [Int]) {
        result.append(contentsOf: always)
        let utf8 = action.utf8
        var lastDot: String.Index?
        var index = utf8.startIndex
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: ".") {
                let next = utf8.index(after: index)
                if next < utf8.endIndex, let bucket = buckets[action[..<index]], !bucket.anyMore.isEmpty {
                    result.append(contentsOf: bucket.anyMore)
                }
                lastDot = index
            }
            utf8.formIndex(after: &index)
        }
        if let lastDot {
            if utf8.index(after: lastDot) < utf8.endIndex, let bucket = buckets[action[..<lastDot]],
               !bucket.oneMore.isEmpty {
                result.append(contentsOf: bucket.oneMore)
            }
        } else if !action.isEmpty {
            result.append(contentsOf: singleSegment)
        }
        if let bucket = buckets[action[...]], !bucket.exact.isEmpty { result.append(contentsOf: bucket.exact) }
        if result.count > 1 {
            result.sort()
            var write = 1
            for read in 1..<result.count where result[read] != result[write - 1] {
                result[write] = result[read]
                write += 1
            }
            result.removeLast(result.count - write)
        }
    }
}
