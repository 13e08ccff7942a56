/// The evaluation-time form of a ``PolicyRule``: a final class, so the hot loop reads its fields through one
/// reference instead of copying a struct full of strings and arrays for every candidate.
final class CompiledRule: Sendable {
    let id: String
    let isScoped: Bool
    let actions: [ActionGlob]?
    let conditions: [PolicyCondition]
    let effect: RuleEffect
    let audit: AuditVolume?

    init(_ rule: PolicyRule) {
        id = rule.id
        isScoped = rule.isScoped
        actions = rule.actions
        conditions = rule.conditions
        effect = rule.effect
        audit = rule.audit
    }

    @inline(__always)
    func matchesIgnoringAction(_ input: PolicyInput) -> Bool {
        for index in conditions.indices where !conditions[index].matches(input) { return false }
        return true
    }
}
