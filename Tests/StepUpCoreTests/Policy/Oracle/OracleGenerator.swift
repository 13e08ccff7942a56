import Foundation
import StepUpCore

/// Random small policies and requests for the oracle, drawn from small vocabularies so rules overlap often.
struct OracleGenerator {
    var random: SplitMix64

    static let actions = [
        "bank.transfer", "bank.transfer.intl", "bank.balance.view", "bank.payee.add", "admin", "admin.users",
        "admin.users.delete", "app.do", "payments.transfer", "pay.out", "svc.a.b.c",
    ]
    static let globs = actions + [
        "*", "**", "bank.*", "bank.**", "*.transfer", "pay*.*", "admin.**", "**.delete", "bank.*.view", "*.*",
        "ban*.trans*", "**.transfer", "bank.**.view", "*.users.*", "svc.**.c", "*a*.*", "**.*",
    ]
    static let factors = ["password", "totp", "hotp", "webauthn", "push", "sms_otp"]
    static let methods = ["GET", "POST", "PUT", "DELETE"]
    static let roles = ["admin", "teller", "customer"]
    static let bounds = [0, 100, 1000, 1500]
    static let currencies = ["EUR", "USD", "GBP"]
    static let durations: [(Int, String)] = [(0, "0"), (90, "90s"), (300, "5m"), (300, "300"), (3_600, "1h"),
                                              (5_400, "1h30m"), (86_400, "24h")]
    static let conditionMenu: [OracleCondition] = [
        OracleCondition(), OracleCondition(factors: ["password"]), OracleCondition(factors: ["totp"]),
        OracleCondition(factors: ["webauthn"]), OracleCondition(factors: ["totp", "push", "hotp"]),
        OracleCondition(factors: ["sms_otp", "push"]), OracleCondition(phishingResistant: true),
        OracleCondition(phishingResistant: true, hardwareBound: true),
        OracleCondition(factors: ["webauthn", "totp"], hardwareBound: true),
    ]

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
    mutating func subset(_ items: [String], _ sizes: ClosedRange<Int>) -> [String] {
        Array(items.shuffled(using: &random).prefix(Int.random(in: sizes, using: &random)))
    }

    // MARK: - Policies

    mutating func policy() -> OraclePolicy {
        let explicitRanks = chance(50)
        let count = Int.random(in: 2...4, using: &random)
        let names = ["basic", "strong", "max", "extra"].shuffled(using: &random).prefix(count)
        var ranks = Array(0...9).shuffled(using: &random)
        let levels = names.enumerated().map { position, name in
            let combinations = (0..<Int.random(in: 1...2, using: &random)).map { _ in
                (0..<Int.random(in: 1...2, using: &random)).map { _ in pick(Self.conditionMenu) }
            }
            return OracleLevel(name: name, rank: explicitRanks ? ranks.removeFirst() : position + 1,
                               combinations: combinations)
        }
        var policy = OraclePolicy(levels: levels, explicitRanks: explicitRanks, defaultEffect: nil, rules: [])
        if !chance(10) { policy.defaultEffect = effect(in: policy, isDefault: true) }
        policy.rules = (0..<Int.random(in: 0...7, using: &random)).map { rule(index: $0, in: policy) }
        return policy
    }

    mutating func rule(index: Int, in policy: OraclePolicy) -> OracleRule {
        var rule = OracleRule(id: "r\(index)", effect: effect(in: policy, isDefault: false, index: index))
        if chance(75) { rule.actions = (0..<(chance(80) ? 1 : 2)).map { _ in pick(Self.globs) } }
        if chance(15) { rule.methods = subset(Self.methods, 1...2) }
        if chance(20) { rule.role = (pick(Self.roles), chance(30)) }
        if chance(35) {
            for name in subset(["amount", "currency", "payee"], 1...2) { rule.context.append(field(name)) }
        }
        if chance(15) { rule.risk = pick(ReferenceEvaluator.bands) }
        if chance(10) { rule.network = ([pick(["office", "lab", "198.51.100.0/24"])], chance(40)) }
        return rule
    }

    mutating func field(_ name: String) -> (name: String, tests: [OracleTest], shorthand: Bool) {
        if name == "amount" {
            // One operator appears once per field (YAML refuses duplicate keys); two make a range.
            let numeric: [OracleTest] = [.greater(pick(Self.bounds)), .greaterOrEqual(pick(Self.bounds)),
                                         .less(pick(Self.bounds)), .lessOrEqual(pick(Self.bounds))]
            if chance(15) { return (name, [.exists(chance(50))], false) }
            let first = Int.random(in: 0..<2, using: &random), second = Int.random(in: 2..<4, using: &random)
            return (name, chance(25) ? [numeric[first], numeric[second]] : [pick(numeric)], false)
        }
        let values = name == "currency" ? Self.currencies : ["ACME", "Bob"]
        let tests: [OracleTest] = [.equals(pick(values)), .notEquals(pick(values)), .isIn(subset(values, 1...2)),
                                   .notIn(subset(values, 1...2)), .exists(chance(50))]
        return (name, [pick(tests)], chance(50))
    }

    mutating func effect(in policy: OraclePolicy, isDefault: Bool, index: Int = 0) -> OracleEffect {
        switch Int.random(in: 0..<100, using: &random) {
        case ..<20: return .allow
        case ..<35:
            if isDefault { return .deny(chance(50) ? nil : "Default refusal.") }
            return .deny("Refused by r\(index).")
        default:
            // Mostly requirements someone can meet (the file must load); now and then one nobody can.
            var requirement = self.requirement(in: policy, index: index)
            let reference = ReferenceEvaluator(policy: policy, globs: GlobTable(globs: [], actions: []))
            var tries = chance(5) ? 0 : 20
            while tries > 0, !reference.reachable(requirement.level, allowed: requirement.factors.map(Set.init)) {
                requirement = self.requirement(in: policy, index: index)
                tries -= 1
            }
            return .require(requirement)
        }
    }

    mutating func requirement(in policy: OraclePolicy, index: Int) -> OracleRequirement {
        var requirement = OracleRequirement(level: pick(policy.levels).name)
        if chance(25) {
            requirement.scalar = true
            return requirement
        }
        if chance(50) { requirement.maxAge = pick(Self.durations) }
        if chance(55) { requirement.factors = subset(Self.factors, 1...4) }
        if chance(40) { requirement.bind = subset(["amount", "currency", "payee"], 1...2) }
        if chance(40) { requirement.message = "Message \(index) {{amount}}" }
        return requirement
    }

    // MARK: - Requests

    mutating func request() -> OracleRequest {
        var fields: [String: (value: OracleValue, inTransaction: Bool)] = [:]
        if chance(80) {
            let amount = chance(50) ? pick(Self.bounds) + Int.random(in: -1...1, using: &random)
                                    : Int.random(in: -50...3_000, using: &random)
            fields["amount"] = (chance(75) ? .number(amount) : .numericText(amount), chance(70))
        }
        if chance(70) { fields["currency"] = (.text(pick(Self.currencies)), chance(70)) }
        if chance(50) { fields["payee"] = (.text(pick(["ACME", "Bob", "Eve"])), chance(70)) }
        return OracleRequest(
            action: pick(Self.actions), method: chance(40) ? pick(Self.methods) : nil,
            roles: subset(Self.roles, 0...2), fields: fields, band: pick(ReferenceEvaluator.bands),
            ip: pick(["10.1.2.3", "10.255.0.1", "192.0.2.7", "198.51.100.1", "203.0.113.9"]))
    }
}
