/// Finds the rules whose action globs can match an action without looking at the others,
/// so evaluation cost grows with the rules for *this* action, not with the size of the policy.
struct RuleIndex: Sendable {
    /// Rules keyed by a dotted name: exact globs of that name, `name.*` and `name.**` globs.
    struct Bucket: Sendable {
        /// Compared on every hit, so a hash collision can never make a rule match the wrong action.
        var name: String
        var exact: [Int] = []
        /// `name.*`: exactly one more segment.
        var oneMore: [Int] = []
        /// `name.**`: one or more segments.
        var anyMore: [Int] = []
    }

    /// Buckets keyed by the FNV-1a hash of their name, which evaluation computes while scanning the action
    /// once (hashing each prefix as a string would cost more than the rest of a decision).
    private var buckets: [UInt64: Bucket] = [:]
    /// `*`: any single-segment action.
    private var singleSegment: [Int] = []
    /// Rules with no action condition, or `**`: candidates for every request.
    private(set) var always: [Int] = []
    /// Other wildcard shapes (`pay*.transfer`, `*.export`): their globs are checked one by one.
    private(set) var generic: [Int] = []

    init(_ rules: [PolicyRule]) {
        // Names whose hash another name already has go to `generic` (checked glob by glob), never to a bucket.
        var owners: [UInt64: String] = [:]
        var colliding: Set<String> = []
        for glob in rules.flatMap({ $0.actions ?? [] }) where Self.isIndexable(glob) {
            guard let key = Self.key(glob) else { continue }
            let hash = Self.hash(key.utf8)
            if let owner = owners[hash], owner != key { colliding.insert(key) } else { owners[hash] = key }
        }
        for (index, rule) in rules.enumerated() {
            guard let globs = rule.actions else {
                always.append(index)
                continue
            }
            if globs.contains(where: { !Self.isIndexable($0) || Self.key($0).map(colliding.contains) == true }) {
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

    /// The bucket name of an indexable glob (nil for `*` and `**`).
    private static func key(_ glob: ActionGlob) -> String? {
        if glob.text == "*" || glob.text == "**" { return nil }
        return glob.isLiteral ? glob.text : glob.segments.dropLast().joined(separator: ".")
    }

    private mutating func add(_ index: Int, _ glob: ActionGlob) {
        if glob.text == "*" { return Self.append(index, to: &singleSegment) }
        if glob.text == "**" { return Self.append(index, to: &always) }
        guard let key = Self.key(glob) else { return }
        let hash = Self.hash(key.utf8)
        if glob.isLiteral {
            Self.append(index, to: &buckets[hash, default: Bucket(name: key)].exact)
        } else if glob.segments.last == "*" {
            Self.append(index, to: &buckets[hash, default: Bucket(name: key)].oneMore)
        } else {
            Self.append(index, to: &buckets[hash, default: Bucket(name: key)].anyMore)
        }
    }

    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = offset
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }

    /// The bucket for the first `end` bytes of `action` whose running hash is `hash`, if its name is exactly that.
    @inline(__always)
    private func bucket(_ hash: UInt64, _ action: String.UTF8View, _ end: String.Index) -> Bucket? {
        guard let bucket = buckets[hash], bucket.name.utf8.elementsEqual(action[..<end]) else { return nil }
        return bucket
    }

    private static func append(_ index: Int, to list: inout [Int]) {
        if list.last != index { list.append(index) }
    }

    /// Indices of rules whose action glob matches `action` (plus the rules that match any action),
    /// ascending and without duplicates; `generic` rules are not included.
    func candidates(for action: String, into result: inout [Int]) {
        result.append(contentsOf: always)
        let utf8 = action.utf8
        var hash = Self.offset
        var lastDot: String.Index?
        var lastDotHash = hash
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: ".") {
                let next = utf8.index(after: index)
                if next < utf8.endIndex, let bucket = bucket(hash, utf8, index), !bucket.anyMore.isEmpty {
                    result.append(contentsOf: bucket.anyMore)
                }
                lastDot = index
                lastDotHash = hash
            }
            hash = (hash ^ UInt64(byte)) &* Self.prime
            utf8.formIndex(after: &index)
        }
        if let lastDot {
            if utf8.index(after: lastDot) < utf8.endIndex, let bucket = bucket(lastDotHash, utf8, lastDot),
               !bucket.oneMore.isEmpty {
                result.append(contentsOf: bucket.oneMore)
            }
        } else if !action.isEmpty {
            result.append(contentsOf: singleSegment)
        }
        if let bucket = bucket(hash, utf8, utf8.endIndex), !bucket.exact.isEmpty {
            result.append(contentsOf: bucket.exact)
        }
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
