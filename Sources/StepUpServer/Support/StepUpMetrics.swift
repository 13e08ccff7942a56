import Prometheus
import StepUpCore

/// Prometheus counters for what operators watch: decisions, sign-ins, challenges, policy reloads.
/// One registry per server (no process-wide state), exposed at `/metrics`.
public final class StepUpMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func decision(_ outcome: Decision.Outcome) {
        registry.makeCounter(name: "stepup_decisions_total", labels: [("outcome", outcome.rawValue)],
                             help: "Decisions by outcome").increment()
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

    func storeRoundTrips(reads: Int, writes: Int) {
        for (access, value) in [("read", reads), ("write", writes)] {
            registry.makeGauge(name: "stepup_store_round_trips", labels: [("access", access)],
                               help: "Units of work handed to the database since start").set(Double(value))
        }
    }

    /// The Prometheus text exposition.
    public func exposition() -> String { registry.emitToString() }
}
