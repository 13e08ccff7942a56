import Foundation

/// A brute-force evaluator written from the README alone (section "Policy"), the second opinion the engine is
/// compared with. It is deliberately naive: every rule is checked, globs become regular expressions, and
/// reachability is an exhaustive search over factor assignments.
struct ReferenceEvaluator {
    /// What the README lets one predict about a result.
    enum Verdict {
        case allow
        /// `reasons`: the reasons any matched deny gave (one of them is shown), or nil when a matched deny has
        /// no written reason. `unreachable`: denied because no allowed factor is left, or none reaches the level.
        case deny(reasons: Set<String>?, unreachable: Bool)
        /// `messages`: the messages of the strictest rules that carry one (empty: no message).
        case require(level: String, maxAge: Int?, factors: Set<String>?, bind: Set<String>, messages: Set<String>)
    }

    struct Result {
        var rules: [String]
        var verdict: Verdict
    }

    /// The factors the README names, and the two traits the generated ladders ask about: only WebAuthn is
    /// phishing-resistant and hardware-bound (NIST SP 800-63B).
    static let knownFactors = ["password", "totp", "hotp", "webauthn", "push", "sms_otp", "email_otp", "recovery_code"]
    static let bands = ["low", "medium", "high", "critical"]

    let policy: OraclePolicy
    let globs: GlobTable

    init(policy: OraclePolicy, globs: GlobTable) {
        self.policy = policy
        self.globs = globs
    }

    func rank(_ level: String) -> Int { policy.levels.first { $0.name == level }?.rank ?? Int.min }

    // MARK: - Matching

    func matches(_ rule: OracleRule, _ request: OracleRequest) -> Bool {
        if let actions = rule.actions, !actions.contains(where: { globs.matches($0, request.action) }) { return false }
        if let methods = rule.methods {
            guard let method = request.method, methods.contains(method) else { return false }
        }
        if let role = rule.role, request.roles.contains(role.name) == role.negated { return false }
        for field in rule.context {
            let value = request.fields[field.name]?.value
            if !field.tests.allSatisfy({ Self.passes($0, value) }) { return false }
        }
        if let risk = rule.risk,
           (Self.bands.firstIndex(of: request.band) ?? -1) < (Self.bands.firstIndex(of: risk) ?? Int.max) {
            return false
        }
        if let network = rule.network {
            let inside = network.names.contains { Self.inNetwork(request.ip, $0) }
            if inside == network.negated { return false }
        }
        return true
    }

    /// README "Operators": a missing attribute fails every operator except `not_equals`, `not_in` and
    /// `exists: false`; comparisons are numeric and numeric strings count.
    static func passes(_ test: OracleTest, _ value: OracleValue?) -> Bool {
        switch test {
        case .exists(let expected): return (value != nil) == expected
        case .notEquals(let text): return value?.text != text
        case .notIn(let texts): return !(value?.text.map(texts.contains) ?? false)
        case .equals(let text): return value?.text == text
        case .isIn(let texts): return value?.text.map(texts.contains) ?? false
        case .greater(let bound): return value?.number.map { $0 > bound } ?? false
        case .greaterOrEqual(let bound): return value?.number.map { $0 >= bound } ?? false
        case .less(let bound): return value?.number.map { $0 < bound } ?? false
        case .lessOrEqual(let bound): return value?.number.map { $0 <= bound } ?? false
        }
    }

    static func inNetwork(_ ip: String, _ name: String) -> Bool {
        let prefixes = ["office": "10.", "lab": "192.0.2.", "198.51.100.0/24": "198.51.100."]
        return prefixes[name].map(ip.hasPrefix) ?? false
    }

    // MARK: - Combining

    func evaluate(_ request: OracleRequest) -> Result {
        let matched = policy.rules.filter { matches($0, request) }
        var ids = matched.map(\.id)
        var effects = matched.map(\.effect)
        if !matched.contains(where: \.namesWhatIsDone) {
            ids.append("default")
            effects.append(policy.defaultEffect ?? .deny(nil))
        }
        var reasons: Set<String>? = []
        for case .deny(let reason) in effects {
            if let reason { reasons?.insert(reason) } else { reasons = nil }
        }
        if reasons?.isEmpty != true { return Result(rules: ids, verdict: .deny(reasons: reasons, unreachable: false)) }
        let requirements = effects.compactMap { effect -> OracleRequirement? in
            if case .require(let requirement) = effect { return requirement }
            return nil
        }
        guard !requirements.isEmpty else { return Result(rules: ids, verdict: .allow) }
        let top = requirements.map { rank($0.level) }.max() ?? Int.min
        let level = requirements.first { rank($0.level) == top }?.level ?? ""
        let maxAge = requirements.compactMap(\.maxAge?.seconds).min()
        var factors: Set<String>?
        for case let listed? in requirements.map(\.factors) {
            factors = factors.map { $0.intersection(listed) } ?? Set(listed)
        }
        if let factors, factors.isEmpty || !reachableCached(level, allowed: factors) {
            return Result(rules: ids, verdict: .deny(reasons: [], unreachable: true))
        }
        let bind = Set(requirements.flatMap(\.bind))
        // "The message comes from the strictest rule": highest level, then smallest max_age, among the rules
        // that have one.
        let worded = requirements.filter { $0.message != nil }
        var messages: Set<String> = []
        if let strongest = worded.map({ rank($0.level) }).max() {
            let candidates = worded.filter { rank($0.level) == strongest }
            let youngest = candidates.map { $0.maxAge?.seconds ?? Int.max }.min()
            messages = Set(candidates.filter { ($0.maxAge?.seconds ?? Int.max) == youngest }.compactMap(\.message))
        }
        return Result(rules: ids, verdict: .require(level: level, maxAge: maxAge, factors: factors, bind: bind,
                                                    messages: messages))
    }

    // MARK: - Reachability

    /// Memoised ``reachable(_:allowed:)``: a policy has few levels and factor sets, and many requests.
    private final class Memo { var answers: [String: Bool] = [:] }
    private let memo = Memo()

    private func reachableCached(_ level: String, allowed: Set<String>) -> Bool {
        let key = level + "|" + allowed.sorted().joined(separator: ",")
        if let known = memo.answers[key] { return known }
        let answer = reachable(level, allowed: allowed)
        memo.answers[key] = answer
        return answer
    }

    /// README "What max_age and factors mean": a level (or a stronger one) is met by fresh events, one per
    /// condition of a combination, all using an allowed factor or the password, at least one of them an allowed
    /// factor (any factor when none are listed). A requirement nobody could meet is a load error and a deny.
    func reachable(_ level: String, allowed: Set<String>?) -> Bool {
        let usable = allowed.map { $0.union(["password"]) } ?? Set(Self.knownFactors)
        let floor = rank(level)
        return policy.levels.filter { $0.rank >= floor }.contains { candidate in
            candidate.combinations.contains { Self.assign($0[...], usable: usable, allowed: allowed, qualified: false) }
        }
    }

    private static func assign(
        _ conditions: ArraySlice<OracleCondition>, usable: Set<String>, allowed: Set<String>?, qualified: Bool
    ) -> Bool {
        guard let condition = conditions.first else { return qualified }
        // Each condition gets its own event; two events may use the same factor.
        return usable.contains { factor in
            satisfies(condition, factor)
                && assign(conditions.dropFirst(), usable: usable, allowed: allowed,
                          qualified: qualified || allowed?.contains(factor) ?? true)
        }
    }

    static func satisfies(_ condition: OracleCondition, _ factor: String) -> Bool {
        if !condition.factors.isEmpty, !condition.factors.contains(factor) { return false }
        if condition.phishingResistant || condition.hardwareBound { return factor == "webauthn" }
        return true
    }

    /// Whether every requirement in the file can be met on its own (else the policy must not load).
    var loads: Bool {
        let effects = policy.rules.map(\.effect) + (policy.defaultEffect.map { [$0] } ?? [])
        return effects.allSatisfy { effect in
            guard case .require(let requirement) = effect else { return true }
            return reachable(requirement.level, allowed: requirement.factors.map(Set.init))
        }
    }
}

/// README action globs, as anchored regular expressions: `*` one segment (or part of one), `**` one or more.
/// Each glob is checked once against the fixed action universe, so the hot loop only reads a table.
struct GlobTable {
    private var table: [String: Set<String>] = [:]

    init(globs: [String], actions: [String]) {
        for glob in globs {
            let pattern = "^" + glob.split(separator: ".", omittingEmptySubsequences: false).map { segment in
                if segment == "**" { return "[^.]+(\\.[^.]+)*" }
                return segment.split(separator: "*", omittingEmptySubsequences: false)
                    .map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: "[^.]*")
            }.joined(separator: "\\.") + "$"
            let regex = try! NSRegularExpression(pattern: pattern)
            table[glob] = Set(actions.filter {
                regex.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil
            })
        }
    }

    func matches(_ glob: String, _ action: String) -> Bool { table[glob]?.contains(action) ?? false }
}
