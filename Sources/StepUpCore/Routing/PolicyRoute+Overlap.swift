/// How two routes relate, for `policy check`: a route every request of which an earlier route takes is
/// unreachable; two routes with different actions that some request matches both overlap (the first wins).
extension PolicyRoute {
    /// Every request this route matches, `self` matches too (so a later `other` can never apply).
    func covers(_ other: PolicyRoute) -> Bool {
        if let host {
            guard let otherHost = other.host, host.covers(otherHost) else { return false }
        }
        if !methods.isEmpty, other.methods.isEmpty || !other.methods.isSubset(of: methods) { return false }
        return path.covers(other.path)
    }

    /// Some request matches both routes.
    func overlaps(_ other: PolicyRoute) -> Bool {
        if let host, let otherHost = other.host, !host.overlaps(otherHost) { return false }
        if !methods.isEmpty, !other.methods.isEmpty, methods.isDisjoint(with: other.methods) { return false }
        return path.overlaps(other.path)
    }
}

extension PathPattern {
    private static func isWildcard(_ segment: Substring) -> Bool {
        segment == "*" || (segment.hasPrefix("{") && segment.hasSuffix("}") && segment.count > 2)
    }

    /// Every path `other` matches, this pattern matches too.
    func covers(_ other: PathPattern) -> Bool {
        for (index, segment) in segments.enumerated() {
            if segment == "**" { return true }
            guard index < other.segments.count else { return false }
            let theirs = other.segments[index]
            if theirs == "**" { return false }
            if Self.isWildcard(segment) {
                if theirs.isEmpty { return false }
            } else if segment != theirs {
                return false
            }
        }
        return segments.count == other.segments.count
    }

    /// Some path matches both patterns.
    func overlaps(_ other: PathPattern) -> Bool {
        for index in 0..<max(segments.count, other.segments.count) {
            let mine = index < segments.count ? segments[index] : nil
            let theirs = index < other.segments.count ? other.segments[index] : nil
            if mine == "**" || theirs == "**" { return true }
            guard let mine, let theirs else { return false }
            switch (Self.isWildcard(mine), Self.isWildcard(theirs)) {
            case (true, true): continue
            case (true, false): if theirs.isEmpty { return false }
            case (false, true): if mine.isEmpty { return false }
            case (false, false): if mine != theirs { return false }
            }
        }
        return true
    }
}
