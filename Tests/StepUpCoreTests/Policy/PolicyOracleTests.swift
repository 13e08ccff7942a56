import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCore

/// The engine against a second, independent reading of the README (``ReferenceEvaluator``): random small policies,
/// loaded from YAML text, each asked many random requests through both `evaluate` and `explain`.
///
/// Replay a failure with `STEPUP_SEED=<seed> swift test --filter PolicyOracleTests`; each failure also names the
/// policy seed, the YAML and the request.
@Suite("Policy oracle", .ownThread, .timeLimit(.minutes(5)))
struct PolicyOracleTests {
    static let minimumCases = 100_000
    static let requestsPerPolicy = 128
    /// `explain` is several times slower than `evaluate` (it traces every condition): it is compared on every
    /// fourth request, `evaluate` on all of them.
    static let explainEvery = 4

    /// What one worker saw.
    struct Tally: Sendable {
        var cases = 0, policies = 0, refused = 0
        var verdicts: [String: Int] = [:]
        var failures: [String] = []
    }

    @Test func engineAgreesWithTheReadmeReference() async throws {
        let seed = TestSeed.seed("PolicyOracleTests")
        var seeds = SplitMix64(seed: seed)
        let policySeeds = (0..<(Self.minimumCases / Self.requestsPerPolicy + 20)).map { _ in seeds.next() }
        let globs = GlobTable(globs: OracleGenerator.globs, actions: OracleGenerator.actions)
        let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let start = ContinuousClock.now
        let tally = await withTaskGroup(of: Tally.self) { group in
            for worker in 0..<workers {
                let mine = policySeeds.enumerated().filter { $0.offset % workers == worker }.map(\.element)
                group.addTask { Self.run(seed: seed, policySeeds: mine, globs: globs) }
            }
            var total = Tally()
            for await part in group {
                total.cases += part.cases
                total.policies += part.policies
                total.refused += part.refused
                total.verdicts.merge(part.verdicts, uniquingKeysWith: +)
                total.failures += part.failures
            }
            return total
        }
        print("PolicyOracleTests: \(tally.cases) cases, \(tally.policies) policies (+\(tally.refused) refused) "
            + "on \(workers) workers in \(ContinuousClock.now - start); verdicts \(tally.verdicts)")
        for failure in tally.failures.prefix(5) { Issue.record(Comment(rawValue: failure)) }
        #expect(tally.failures.isEmpty, "\(tally.failures.count) disagreement(s); replay with STEPUP_SEED=\(seed)")
        #expect(tally.cases >= Self.minimumCases)
        // The generator must keep exercising every branch, or agreement proves little.
        for verdict in ["allow", "deny", "deny-unreachable", "require"] {
            #expect(tally.verdicts[verdict, default: 0] > tally.cases / 200, "too few \(verdict): \(tally.verdicts)")
        }
        #expect(tally.refused > 0 && tally.policies > 500, "seed \(seed)")
    }

    /// One worker: each policy seed gives a policy and `requestsPerPolicy` requests; the first few disagreements
    /// are kept, each with everything needed to replay it.
    static func run(seed: UInt64, policySeeds: [UInt64], globs: GlobTable) -> Tally {
        var tally = Tally()
        for policySeed in policySeeds where tally.failures.count < 3 {
            var generator = OracleGenerator(seed: policySeed)
            let oracle = generator.policy()
            let reference = ReferenceEvaluator(policy: oracle, globs: globs)
            let yaml = oracle.yaml
            let replay = "STEPUP_SEED=\(seed), policy seed \(policySeed)\n\(yaml)"
            tally.cases += 1
            guard let policy = try? Policy.load(yaml: yaml, file: "oracle.yaml") else {
                tally.refused += 1
                if reference.loads {
                    let errors = Policy.check(yaml: yaml, file: "oracle.yaml").diagnostics.errors.map(\.description)
                    tally.failures.append("refused, but the README allows it: \(errors)\n\(replay)")
                }
                continue
            }
            tally.policies += 1
            if !reference.loads {
                tally.failures.append("loaded, but a requirement in it can never be met\n\(replay)")
                continue
            }
            for index in 0..<requestsPerPolicy {
                let request = generator.request()
                let expected = reference.evaluate(request)
                let input = Self.input(request)
                let explanation = index % explainEvery == 0 ? policy.explain(input) : nil
                let problems = Self.compare(policy.evaluate(input), explanation, expected)
                tally.cases += 1
                tally.verdicts[Self.name(expected.verdict), default: 0] += 1
                if !problems.isEmpty {
                    tally.failures.append("""
                        engine and README reference disagree: \(problems.joined(separator: "; "))
                        request \(index): \(request)
                        \(replay)
                        """)
                    break
                }
            }
        }
        return tally
    }

    static func name(_ verdict: ReferenceEvaluator.Verdict) -> String {
        switch verdict {
        case .allow: return "allow"
        case .deny(_, let unreachable): return unreachable ? "deny-unreachable" : "deny"
        case .require: return "require"
        }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func input(_ request: OracleRequest) -> PolicyInput {
        var transaction: Attributes = [:], attributes: Attributes = [:]
        for (name, field) in request.fields {
            let value: AttributeValue = switch field.value {
            case .number(let n): .number(Double(n))
            case .numericText(let n): .string(String(n))
            case .text(let text): .string(text)
            }
            if field.inTransaction { transaction[name] = value } else { attributes[name] = value }
        }
        let context = RequestContext(ip: request.ip, transaction: transaction, attributes: attributes)
        let band = RiskBand(rawValue: request.band) ?? .low
        return PolicyInput(
            request: ActionRequest(action: request.action, context: context, method: request.method),
            subject: Subject(id: "u1", username: "alice", roles: Set(request.roles)), session: nil,
            risk: RiskAssessment(score: 0, band: band, signals: []), now: now)
    }

    /// Every difference between the engine's two answers and the reference, in words.
    static func compare(
        _ result: PolicyResult, _ explanation: PolicyExplanation?, _ expected: ReferenceEvaluator.Result
    ) -> [String] {
        var problems: [String] = []
        if result.rules != expected.rules {
            problems.append("evaluate matched \(result.rules), expected \(expected.rules)")
        }
        if let problem = mismatch(result.outcome, expected.verdict) { problems.append("evaluate: \(problem)") }
        guard let explanation else { return problems }
        if explanation.defaultApplied != (expected.rules.last == "default") {
            problems.append("explain says default_applied \(explanation.defaultApplied), expected rules \(expected.rules)")
        }
        if explanation.rules != expected.rules {
            problems.append("explain matched \(explanation.rules), expected \(expected.rules)")
        }
        let explained: PolicyResult.Outcome = switch explanation.outcome {
        case "allow": .allow
        case "deny": .deny(explanation.reason ?? "")
        default: explanation.requirement.map { .require($0) } ?? .deny("explain gave no requirement")
        }
        if let problem = mismatch(explained, expected.verdict) { problems.append("explain: \(problem)") }
        return problems
    }

    static func mismatch(_ outcome: PolicyResult.Outcome, _ verdict: ReferenceEvaluator.Verdict) -> String? {
        switch (outcome, verdict) {
        case (.allow, .allow): return nil
        case (.deny(let reason), .deny(let reasons, let unreachable)):
            if reason.isEmpty { return "deny without a reason" }
            if unreachable, reason.hasPrefix("Refused by") || reason == "Default refusal." {
                return "denied with a rule's reason '\(reason)', expected a reason about factors"
            }
            if !unreachable, let reasons, !reasons.contains(reason) {
                return "deny reason '\(reason)' is none of the matched denies \(reasons.sorted())"
            }
            return nil
        case (.require(let requirement), .require(let level, let maxAge, let factors, let bind, let messages)):
            var problems: [String] = []
            if requirement.level != level { problems.append("level \(requirement.level), expected \(level)") }
            if requirement.maxAge.map(Int.init) != maxAge {
                let found = requirement.maxAge.map { "\($0)" } ?? "none"
                problems.append("max_age \(found), expected \(maxAge.map { "\($0)" } ?? "none")")
            }
            let allowed = requirement.allowedFactors.map { Set($0.map(\.rawValue)) }
            if allowed != factors {
                problems.append("factors \(String(describing: allowed)), expected \(String(describing: factors))")
            }
            if Set(requirement.bind) != bind || requirement.bind.count != bind.count {
                problems.append("bind \(requirement.bind), expected the set \(bind.sorted())")
            }
            if !(requirement.message.map(messages.contains) ?? messages.isEmpty) {
                problems.append("message \(String(describing: requirement.message)), expected one of \(messages)")
            }
            return problems.isEmpty ? nil : problems.joined(separator: ", ")
        default:
            return "\(outcome), expected \(name(verdict))"
        }
    }
}
