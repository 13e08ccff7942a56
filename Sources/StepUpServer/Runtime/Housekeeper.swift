import Foundation
import Logging
import ServiceLifecycle
import StepUpCore
import StepUpStore

/// Prunes expired sessions, challenges, failure records and spent budget units (wrong guesses, used nonces)
/// every `housekeeping.interval_seconds`, so those tables stop growing. The audit log is never pruned.
///
/// A prune that fails (database busy, disk full) is logged and counted, and the next interval tries again:
/// housekeeping never stops the server.
struct Housekeeper: Service {
    let maintenance: any StoreMaintenance
    let service: StepUpService
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// How long after its end a row is pruned: the configured retention, but never less than a window that
    /// still counts failures or spent units (pruning those early would hand an attacker fresh guesses).
    var retention: TimeInterval {
        let configuration = service.configuration
        let risk = service.policy.current.risk
        return max(configuration.housekeeping.retention, configuration.login.failureWindow,
                   StepUpService.wrongCodeWindow, risk.failedAttemptsWindow, risk.credentialStuffingWindow,
                   configuration.webAuthn.timeout + 60)
    }

    func run() async throws {
        let interval = service.configuration.housekeeping.interval
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await pruneOnce()
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1_000)))
                }
            }
        } catch is CancellationError {
            // Graceful shutdown interrupted the sleep.
        }
    }

    /// One prune: everything that ended more than ``retention`` ago.
    @discardableResult
    func pruneOnce() async -> PruneReport? {
        let started = ContinuousClock.now
        do {
            let report = try await maintenance.pruneExpired(before: now().addingTimeInterval(-retention))
            service.metrics.pruned(report, seconds: (ContinuousClock.now - started).seconds)
            if report != PruneReport() { logger.info("housekeeping: \(report)") }
            return report
        } catch {
            service.metrics.pruneFailed()
            logger.warning("housekeeping failed; retrying next interval",
                           metadata: ["error": "\(String(describing: error))"])
            return nil
        }
    }
}
