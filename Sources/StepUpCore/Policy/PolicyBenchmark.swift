import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `stepup bench policy`: decisions per second on generated policies of growing size.
public enum PolicyBenchmark {
    public static let sizes = [10, 100, 1_000, 10_000]

    /// Measures each size for about `seconds` and returns `rules=N decisions_per_second=X` lines.
    public static func run(sizes: [Int] = sizes, seconds: Double = 1) -> [String] {
        sizes.map { size in
            let rate = measure(rules: size, seconds: seconds)
            return "rules=\(size) decisions_per_second=\(Int(rate))"
        }
    }

    /// Decisions per CPU-second of the measuring thread for a generated policy with `rules` rules.
    ///
    /// CPU time rather than wall time, so a busy machine (other processes on the same cores) does not
    /// distort the per-core figure. `cpuSeconds` is the clock; the default reads the thread's CPU clock.
    public static func measure(
        rules: Int, seconds: Double, seed: UInt64 = 42, cpuSeconds: () -> Double = threadCPUSeconds
    ) -> Double {
        guard let policy = try? Policy.load(yaml: policyYAML(rules: rules, seed: seed), file: "bench.yaml") else {
            return 0
        }
        let inputs = requests(count: 4_096, rules: rules, seed: seed &+ 1)
        var decisions = 0
        var sink = 0
        let start = cpuSeconds()
        var elapsed = 0.0
        // Inputs are borrowed from the buffer: a server builds each input once; copying it is not engine cost.
        inputs.withUnsafeBufferPointer { buffer in
            while elapsed < seconds {
                for index in buffer.indices {
                    sink &+= policy.evaluate(buffer[index]).rules.count
                }
                decisions += buffer.count
                elapsed = cpuSeconds() - start
            }
        }
        return sink == -1 ? 0 : Double(decisions) / max(elapsed, 1e-9)
    }

    /// CPU time used by the calling thread, in seconds.
    public static func threadCPUSeconds() -> Double {
        var spec = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec) == 0 else { return 0 }
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// A realistic mix: per-service literal actions, `service.resource.*` and `service.**` globs, amount
    /// thresholds, role conditions, a few networks and risk rules; one service per 20 rules.
    public static func policyYAML(rules: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        let services = max(1, rules / 20)
        var lines = ["version: 1", "default: aal1", "networks:", "  office: [10.0.0.0/8, 2001:db8::/32]", "rules:"]
        lines += [
            "  - {id: risky, match: {risk: medium}, require: aal2}",
            "  - {id: admin, match: {action: \"admin.**\", subject: {not_roles: [admin]}}, deny: admins only}",
        ]
        for index in 2..<max(2, rules) {
            let service = index % services, resource = (index / services) % 10, verb = index % 7
            let action = "svc\(service).res\(resource).verb\(verb)"
            let kind = Int.random(in: 0..<100, using: &random)
            let body: String
            switch kind {
            case 0..<55: body = "match: {action: \(action)}, require: aal1"
            case 55..<65:
                body = "match: {action: \"svc\(service).res\(resource).*\"}, require: {level: aal2, max_age: 5m}"
            case 65..<70: body = "match: {action: \"svc\(service).**\", network: [office]}, allow: true"
            case 70..<82:
                body = "match: {action: \(action), context: {amount: {\">\": \(index * 10)}}}, "
                    + "require: {level: aal2, max_age: 0, bind: [amount]}"
            case 82..<94: body = "match: {action: \(action), subject: {roles: [role\(index % 13)]}}, require: aal2"
            default: body = "match: {action: \(action), context: {country: {not_in: [FR, DE]}}}, deny: not here"
            }
            lines.append("  - {id: r\(index), \(body)}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Requests over the generated actions (and some no rule names), with varied amounts, roles and risk.
    static func requests(count: Int, rules: Int, seed: UInt64) -> [PolicyInput] {
        var random = SplitMix64(seed: seed)
        let services = max(1, rules / 20)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return (0..<count).map { _ in
            let service = Int.random(in: 0..<services + 1, using: &random)
            let resource = Int.random(in: 0..<10, using: &random), verb = Int.random(in: 0..<7, using: &random)
            let action = "svc\(service).res\(resource).verb\(verb)"
            var context = RequestContext(ip: random.next() % 2 == 0 ? "10.1.2.3" : "192.0.2.7", country: "FR")
            context.transaction = ["amount": .number(Double(Int.random(in: 0..<100_000, using: &random)))]
            let subject = Subject(id: "u", username: "u", roles: ["role\(Int.random(in: 0..<13, using: &random))"])
            let band: RiskBand = random.next() % 10 == 0 ? .medium : .low
            return PolicyInput(
                request: ActionRequest(action: action, context: context), subject: subject, session: nil,
                risk: RiskAssessment(score: 0, band: band, signals: []), now: now)
        }
    }
}
