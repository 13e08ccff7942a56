import Foundation
import Logging
import ServiceLifecycle
import StepUpCore

/// Drains the durable outbox: takes due messages, hands each to its channel, records the outcome, and retries
/// failures with exponential backoff. Runs as a `Service`; several instances may drain one database.
///
/// A message is taken under a lease (``OutboxStore/claimDue(at:lease:limit:)``): a process that dies mid-send
/// leaves it to be taken again when the lease ends, so nothing accepted is lost.
public struct OutboxDispatcher: Service {
    let outbox: any OutboxStore
    let channels: [String: any MessageChannel]
    let settings: ServerConfiguration.Outbox
    let sealing: OutboxSealing
    let metrics: StepUpMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    public init(outbox: any OutboxStore, channels: [String: any MessageChannel],
                settings: ServerConfiguration.Outbox, sealing: OutboxSealing, metrics: StepUpMetrics,
                logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.outbox = outbox
        self.channels = channels
        self.settings = settings
        self.sealing = sealing
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            var handled = 0
            do {
                handled = try await drainOnce()
            } catch {
                logger.error("outbox: \(error)")
            }
            if handled == 0 {
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .milliseconds(Int64(settings.pollInterval * 1_000)))
                }
            }
        }
    }

    /// One pass: every message due now is attempted once. Returns how many were attempted.
    @discardableResult
    public func drainOnce() async throws -> Int {
        let batch = try await outbox.claimDue(at: now(), lease: settings.lease, limit: 16)
        await withTaskGroup(of: Void.self) { group in
            for message in batch { group.addTask { await attempt(message) } }
        }
        return batch.count
    }

    /// The delay before attempt `attempts + 1`: `backoff`, doubled per attempt, at most `maxBackoff`.
    static func delay(afterAttempt attempts: Int, settings: ServerConfiguration.Outbox) -> TimeInterval {
        min(settings.maxBackoff, settings.backoff * pow(2, Double(max(0, attempts - 1))))
    }

    private func attempt(_ message: OutboxMessage) async {
        do {
            guard let channel = channels[message.channel] else {
                throw DeliveryError("no channel '\(message.channel)' is configured", permanent: true)
            }
            let payload = try sealing.open(message)
            try await channel.deliver(payload)
            try await outbox.markSent(id: message.id, at: now())
            metrics.outbox("sent")
            logger.info("outbox: sent", metadata: ["message": "\(message.id)", "channel": "\(message.channel)"])
        } catch {
            let reason = (error as? DeliveryError)?.reason ?? String(describing: error)
            let permanent = (error as? DeliveryError)?.permanent ?? false
            let retryAt = permanent || message.attempts >= settings.maxAttempts ? nil
                : now().addingTimeInterval(Self.delay(afterAttempt: message.attempts, settings: settings))
            do {
                try await outbox.markFailed(id: message.id, error: String(reason.prefix(500)), retryAt: retryAt)
            } catch {
                logger.error("outbox: cannot record a failure of \(message.id): \(error)")
            }
            metrics.outbox(retryAt == nil ? "failed" : "retried")
            logger.warning("outbox: \(retryAt == nil ? "gave up on" : "will retry") a message",
                           metadata: ["message": "\(message.id)", "channel": "\(message.channel)",
                                      "attempts": "\(message.attempts)", "error": "\(reason.prefix(200))"])
        }
    }
}
