import Yams

extension PolicyParser {
    /// Warns when a combination of level `name` has a condition only restricted factors (SMS) can meet: the level
    /// then relies on SMS alone for that step.
    mutating func warnRestricted(level name: String, _ combinations: [[FactorCondition]], at node: Node) {
        for combination in combinations {
            for condition in combination
            where !condition.factors.isEmpty && condition.factors.allSatisfy(\.isRestricted) {
                let factors = condition.factors.sorted().map(\.rawValue).joined(separator: ", ")
                reader.warning(node, "level '\(name)' relies on \(factors) alone in one of its combinations: SMS is a "
                    + "restricted authenticator (NIST SP 800-63B-4); offer a stronger factor beside it, or accept the "
                    + "risk knowingly")
            }
        }
    }
}
