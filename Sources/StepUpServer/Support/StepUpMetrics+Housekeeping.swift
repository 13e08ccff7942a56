import Prometheus
import StepUpStore

extension StepUpMetrics {
    /// Rows the housekeeper removed, by table, and how its runs went.
    func pruned(_ report: PruneReport, seconds: Double) {
        for (kind, count) in [("sessions", report.sessions), ("challenges", report.challenges),
                              ("failure_records", report.throttleFailures), ("budget_units", report.budgetUnits)] {
            registry.makeCounter(name: "stepup_housekeeping_pruned_rows_total", labels: [("kind", kind)],
                                 help: "Expired rows removed by housekeeping").increment(by: Int64(count))
        }
        registry.makeCounter(name: "stepup_housekeeping_runs_total", labels: [("result", "ok")],
                             help: "Housekeeping runs by result").increment()
        registry.makeGauge(name: "stepup_housekeeping_last_duration_seconds",
                           help: "How long the last housekeeping run took").set(seconds)
    }

    func pruneFailed() {
        registry.makeCounter(name: "stepup_housekeeping_runs_total", labels: [("result", "failed")],
                             help: "Housekeeping runs by result").increment()
    }

    /// HTTP connections open now.
    func openConnections(_ count: Int) {
        registry.makeGauge(name: "stepup_http_connections_open", help: "HTTP connections open now").set(Double(count))
    }

    /// Approver pages' event streams open now (each holds a connection; `push.event_streams` caps them).
    func approverStreams(_ count: Int) {
        registry.makeGauge(name: "stepup_approver_streams_open", help: "Approver pages' event streams open now")
            .set(Double(count))
    }

    /// A connection closed by its header, idle or request deadline.
    func connectionTimedOut(_ deadline: String) {
        registry.makeCounter(name: "stepup_http_connections_timed_out_total", labels: [("deadline", deadline)],
                             help: "Connections closed by a deadline (server.*_timeout_seconds)").increment()
    }
}
