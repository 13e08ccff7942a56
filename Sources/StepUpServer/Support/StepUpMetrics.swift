import Prometheus
import StepUpCore

/// Prometheus counters for what operators watch: decisions, sign-ins, challenges, policy reloads.
/// One registry per server (no process-wide state), exposed at `/metrics`.
public final class StepUpMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// One counter per outcome, made once: a decision only increments.
    private let decisions: [Decision.Outcome: Counter]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var decisions: [Decision.Outcome: Counter] = [:]
        for outcome in [Decision.Outcome.allow, .deny, .stepUp] {
            decisions[outcome] = registry.makeCounter(name: "stepup_decisions_total",
                                                      labels: [("outcome", outcome.rawValue)],
                                                      help: "Decisions by outcome")
        }
        self.decisions = decisions
    }

    func decision(_ outcome: Decision.Outcome) {
        decisions[outcome]?.increment()
    }

    func login(_ result: String) {
        registry.makeCounter(name: "stepup_logins_total", labels: [("result", result)],
                             help: "Sign-in attempts by result").increment()
    }

    func challenge(_ result: String) {
        registry.makeCounter(name: "stepup_challenge_verifications_total", labels: [("result", result)],
                             help: "Challenge verifications by result").increment()
    }

    func policyReload(applied: Bool) {
        registry.makeCounter(name: "stepup_policy_reloads_total", labels: [("result", applied ? "applied" : "failed")],
                             help: "Policy reloads by result").increment()
    }

    func storeActivity(_ activity: StoreActivity) {
        for (access, value) in [("read", activity.reads), ("write", activity.writes)] {
            registry.makeGauge(name: "stepup_store_round_trips", labels: [("access", access)],
                               help: "Units of work handed to the database since start").set(Double(value))
        }
        registry.makeGauge(name: "stepup_store_commits_total",
                           help: "Group-commit transactions committed since start").set(Double(activity.commits))
        for mode in ["normal", "full"] {
            registry.makeGauge(name: "stepup_store_synchronous", labels: [("mode", mode)],
                               help: "SQLite synchronous setting (1 = in force)")
                .set(Double(mode == activity.synchronous ? 1 : 0))
        }
    }

    /// Password hashes the catch-up thread took up because the hashing threads, at the lowest CPU priority, were
    /// stalled (see `HashingPool`): above zero, other work starves sign-ins on this machine.
    func hashingCatchUps(_ count: Int) {
        registry.makeGauge(name: "stepup_password_hash_catch_ups_total",
                           help: "Password hashes taken up at normal priority after the hashing threads stalled")
            .set(Double(count))
    }

    /// Counted (not written) audit events, by outcome and rule.
    func auditCounted(outcome: String, rule: String) {
        registry.makeCounter(name: "stepup_audit_counted_total", labels: [("outcome", outcome), ("rule", rule)],
                             help: "Decisions counted instead of written to the audit log").increment()
    }

    /// Outbox deliveries: `sent`, `retried` (a failed attempt that will be tried again) or `failed` (given up).
    func outbox(_ result: String) {
        registry.makeCounter(name: "stepup_outbox_messages_total", labels: [("result", result)],
                             help: "Outbox delivery attempts by result").increment()
    }

    /// The Prometheus text exposition.
    public func exposition() -> String { registry.emitToString() }
}

/// What the store has done since start, for `/metrics`.
public struct StoreActivity: Sendable {
    public var reads: Int
    public var writes: Int
    public var commits: Int
    public var synchronous: String

    public init(reads: Int, writes: Int, commits: Int, synchronous: String) {
        self.reads = reads
        self.writes = writes
        self.commits = commits
        self.synchronous = synchronous
    }
}
