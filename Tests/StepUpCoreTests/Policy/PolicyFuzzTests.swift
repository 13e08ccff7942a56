import Foundation
import StepUpTestSupport
import Testing
@testable import StepUpCore

/// Deterministic fuzzing: mutated policy files and random requests must never crash the parser or evaluator,
/// and the indexed evaluation must always agree with the exhaustive explanation.
@Suite("Policy fuzzing", .ownThread, .timeLimit(.minutes(5)))
struct PolicyFuzzTests {
    static let seeds = [Policy.demoYAML, Policy.defaultYAML, PolicyBenchmark.policyYAML(rules: 30, seed: 7)]
    static let tokens = [
        "{", "}", "[", "]", ":", "- ", "\n", "  ", "*", "**", "&a", "*a", "!!binary", "'", "\"", "#", ">", "|",
        "null", "~", "-1", "1e309", "0x1F", "aal2", "admin.**", "10.0.0.0/8", "::", "{{", "}}", "\u{0}", "é",
        "regex: '(a+)+$'", "max_age: -5", "rank: 99999999999999999999", "time_zone: X", "- id: z\n    allow: true",
    ]

    @Test func mutatedPoliciesNeverCrash() {
        var random = SplitMix64(seed: TestSeed.seed("PolicyFuzzTests.mutatedPolicies", fallback: 0x5eed))
        var loaded = 0
        for iteration in 0..<3_000 {
            var bytes = Array(Self.seeds[iteration % Self.seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                guard !bytes.isEmpty else { break }
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes.remove(at: position)
                case 1: bytes[position] = UInt8.random(in: 0...255, using: &random)
                case 2:
                    let token = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)]
                    bytes.insert(contentsOf: Array(token.utf8), at: position)
                default:
                    let end = min(bytes.count, position + Int.random(in: 1...40, using: &random))
                    bytes.insert(contentsOf: bytes[position..<end], at: Int.random(in: 0..<bytes.count, using: &random))
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let (policy, diagnostics) = Policy.check(yaml: text, file: "fuzz.yaml")
            #expect(diagnostics.items.allSatisfy { $0.line >= 1 && $0.column >= 1 })
            if let policy {
                loaded += 1
                for _ in 0..<3 { Self.agree(policy, Self.randomInput(&random)) }
            } else {
                #expect(diagnostics.hasErrors)
            }
        }
        #expect(loaded > 100)
    }

    @Test func mutatedRequestsAndCasesNeverCrash() {
        var random = SplitMix64(seed: TestSeed.seed("PolicyFuzzTests.mutatedRequests", fallback: 0xcafe))
        let request = """
        {"action": "bank.transfer", "subject": {"id": "u", "roles": ["admin"]}, "resource": {"a": [1, "x"]},
         "context": {"ip": "10.0.0.1", "time": "2026-01-05T10:00:00Z", "transaction": {"amount": 1500}},
         "session": {"factors": ["password", {"factor": "totp", "age": "2m"}], "idle": 60},
         "risk": {"band": "medium", "signals": ["new_device"]}, "now": "2026-01-05T10:00:00Z"}
        """
        for _ in 0..<1_500 {
            var bytes = Array(request.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                if random.next() % 2 == 0 {
                    bytes.remove(at: position)
                } else {
                    let token = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)]
                    bytes.insert(contentsOf: Array(token.utf8), at: position)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let output = PolicyCLI.explain(yaml: Policy.demoYAML, file: "d", request: text, now: PolicyFixture.now)
            #expect(output.exitCode == 0 || output.exitCode == 1)
            let cases = "- " + text + "\n  expect: {outcome: allow}\n"
            _ = PolicyCLI.test(yaml: Policy.demoYAML, file: "d", cases: cases, casesFile: "c", now: PolicyFixture.now)
        }
    }

    /// A billion-laughs file is refused by the scan before anything is composed, so no alias is ever expanded:
    /// one error, on the first anchor's line, naming anchors (bounded work, shown without a stopwatch).
    @Test func aliasBombIsRefusedBeforeExpansion() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<12 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        yaml += "rules: *a11\n"
        let diagnostics = Policy.check(yaml: yaml, file: "bomb.yaml").diagnostics
        #expect(diagnostics.errors.count == 1)
        #expect(diagnostics.errors.first?.line == 1)
        #expect(diagnostics.errors.first?.message.contains("anchors and aliases") == true)
    }

    @Test(arguments: [
        String(repeating: "[", count: 100_000),
        "rules: " + String(repeating: "{a: ", count: 50_000),
        "rules:\n" + String(repeating: "- ", count: 50_000) + "x\n",
        "rules:\n" + String(repeating: " ", count: 5_000) + "- x\n",
    ])
    func deepNestingIsRefusedWithoutRecursion(text: String) {
        let diagnostics = Policy.check(yaml: text, file: "deep.yaml").diagnostics
        #expect(diagnostics.errors.count == 1)
        #expect(diagnostics.errors.first?.message.hasPrefix("the file") == true)
        #expect(PolicyCLI.explain(yaml: Policy.demoYAML, file: "d", request: text, now: PolicyFixture.now).exitCode == 1)
        let cases = PolicyTestCases.parse(yaml: text, file: "c.yaml", now: PolicyFixture.now)
        #expect(cases.diagnostics.hasErrors)
    }

    @Test func randomRequestsAgreeWithTheExplanation() throws {
        var random = SplitMix64(seed: TestSeed.seed("PolicyFuzzTests.randomRequests", fallback: 99))
        for seed in Self.seeds {
            let policy = try Policy.load(yaml: seed, file: "seed.yaml")
            for _ in 0..<1_500 { Self.agree(policy, Self.randomInput(&random)) }
        }
    }

    static func agree(_ policy: Policy, _ input: PolicyInput) {
        let result = policy.evaluate(input)
        let explanation = policy.explain(input)
        #expect(explanation.rules == result.rules)
        switch result.outcome {
        case .allow: #expect(explanation.outcome == "allow")
        case .deny(let reason): #expect(explanation.outcome == "deny" && explanation.reason == reason)
        case .require(let requirement):
            #expect(explanation.outcome == "step_up" && explanation.requirement == requirement)
        }
    }

    static let actions = [
        "bank.transfer", "bank.balance.view", "admin.users", "admin", "bank.export.csv", "svc1.res2.verb3", "",
        ".", "a..b", "bank.", "*", "**", "app.do", "account.factors.totp", "é.ü", String(repeating: "a.", count: 300),
    ]

    static func randomInput(_ random: inout SplitMix64) -> PolicyInput {
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
        let amount: AttributeValue = pick([
            .number(Double.random(in: -1e6...1e6, using: &random)), .string("1500.00"), .string("abc"),
            .number(.nan), .number(.infinity), .null, .list([.number(5)]), .bool(true),
        ])
        let context = RequestContext(
            ip: pick(["10.1.2.3", "2001:db8::5", "999.1.1.1", "", "::ffff:10.0.0.1", "fe80::1%eth0", "1.2.3"]),
            country: pick(["FR", "US", ""]),
            time: Date(timeIntervalSince1970: Double.random(in: -1e10...1e10, using: &random)),
            transaction: ["amount": amount, "currency": .string("EUR")])
        let subject = Subject(id: "u", username: "u", roles: Set([pick(["admin", "customer", ""])]))
        let band = pick(RiskBand.allCases)
        let risk = RiskAssessment(score: 0, band: band, signals: [RiskSignal(name: pick(["new_device", "x"]), weight: 1,
                                                                            evidence: "")])
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let session: Session? = pick([nil, PolicyFixture.session([(.password, 10), (.webauthn, 100_000)], now: now)])
        return PolicyInput(
            request: ActionRequest(action: pick(actions), context: context, method: pick([nil, "GET", "post"]),
                                   path: pick([nil, "/admin/x", "", "/a//b?c"])),
            subject: subject, session: session, risk: risk, now: now)
    }
}
