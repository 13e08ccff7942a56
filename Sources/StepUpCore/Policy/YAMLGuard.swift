import Yams

/// Refuses YAML nested deeper than a hand-written policy ever is, before composing it: the composer recurses
/// once per level, so a few hundred kilobytes of `[[[[…` or `- - - …` could otherwise exhaust the stack.
/// Anchors are refused too: aliases turn a small file into an exponentially large tree (a "billion laughs").
enum YAMLGuard {
    static let maxFlowDepth = 64
    static let maxIndent = 256
    static let maxBlockItemsOnALine = 32
    /// Characters after which `&` starts a YAML anchor (an alias cannot exist without one).
    private static let anchorPrefix: Set<UInt8> = Set(" \n\t[{,:-".utf8)

    /// Nil when `text` is safe to compose, else a message; a conservative scan (brackets inside quoted text
    /// count too, which only matters for absurd policies).
    static func problem(_ text: String) -> (line: Int, message: String)? {
        var depth = 0, line = 1, indent = 0, dashes = 0
        var beforeAmpersand = UInt8(ascii: "a")
        var atLineStart = true
        var inComment = false
        var previous = UInt8(ascii: "\n")
        for byte in text.utf8 {
            defer { previous = byte }
            if byte != UInt8(ascii: " "), byte != UInt8(ascii: "\n"), previous == UInt8(ascii: "&"), !inComment,
               anchorPrefix.contains(beforeAmpersand) {
                return (line, "anchors and aliases (&name, *name) are not supported; repeat the value instead")
            }
            if byte == UInt8(ascii: "&") { beforeAmpersand = previous }
            switch byte {
            case UInt8(ascii: "\n"):
                (line, indent, dashes, atLineStart, inComment) = (line + 1, 0, 0, true, false)
                continue
            case UInt8(ascii: "#"): inComment = true
            case _ where inComment: continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxFlowDepth { return (line, "the file nests brackets more than \(maxFlowDepth) deep") }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            case UInt8(ascii: " ") where atLineStart:
                indent += 1
                if indent > maxIndent { return (line, "the file is indented more than \(maxIndent) columns") }
                continue
            case UInt8(ascii: "-") where atLineStart:
                dashes += 1
                if dashes > maxBlockItemsOnALine { return (line, "the file nests list items too deeply") }
                continue
            default: break
            }
            atLineStart = false
        }
        return nil
    }

    /// Composes `text` after the depth check; throws a ``YAMLGuardError`` or Yams' own error.
    static func compose(_ text: String) throws -> Node? {
        if let problem = problem(text) { throw YAMLGuardError(line: problem.line, message: problem.message) }
        return try Yams.compose(yaml: text)
    }
}

/// The input was refused before parsing (see ``YAMLGuard``).
struct YAMLGuardError: Error {
    let line: Int
    let message: String
}
