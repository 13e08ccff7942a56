import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Runs the application until SIGTERM or SIGINT, then stops it within a bounded time.
///
/// The signal starts a graceful shutdown: the listener closes and requests in flight may finish. After
/// `timeout`, whatever still runs is cancelled; and should anything ignore that too, the process exits with
/// status 1 a few seconds later, saying so, instead of hanging (a supervisor waiting for it would otherwise
/// kill it blind). Every acknowledged write was committed before its answer left, so exiting then loses nothing
/// acknowledged.
struct BoundedShutdown<App: Service>: Service {
    let app: App
    let timeout: Duration
    let logger: Logger
    let watchdog: Watchdog

    /// Runs `app` in its own service group, trapping `signals`. Returns once it has stopped; from then on the
    /// last-resort exit is off.
    static func run(_ app: App, timeout: Duration, signals: [UnixSignal] = [.sigterm, .sigint],
                    grace: Duration = .seconds(5), logger: Logger) async throws {
        let watchdog = Watchdog(limit: timeout + grace, logger: logger)
        defer { watchdog.disarm() }
        var configuration = ServiceGroupConfiguration(
            services: [BoundedShutdown(app: app, timeout: timeout, logger: logger, watchdog: watchdog)],
            gracefulShutdownSignals: signals, logger: logger)
        configuration.maximumGracefulShutdownDuration = timeout
        try await ServiceGroup(configuration: configuration).run()
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: { [logger, timeout, watchdog] in
            logger.info("stopping: the listener is closed; requests in flight have \(timeout) to finish")
            watchdog.arm()
        }
    }

    /// The last resort, on a thread of its own (it must work even if every task is stuck).
    final class Watchdog: Sendable {
        let limit: Duration
        let logger: Logger
        private let state = Mutex((armed: false, disarmed: false))

        init(limit: Duration, logger: Logger) {
            self.limit = limit
            self.logger = logger
        }

        /// Exits the process with status 1 after `limit`, unless ``disarm()`` is called first.
        func arm() {
            let first = state.withLock { state in
                let first = !state.armed
                state.armed = true
                return first
            }
            guard first else { return }
            let thread = Thread { [self] in
                Thread.sleep(forTimeInterval: limit.seconds)
                guard !state.withLock({ $0.disarmed }) else { return }
                logger.critical("stopping: still not stopped \(limit) after the signal; exiting with status 1")
                exit(1)
            }
            thread.name = "stepup-shutdown-watchdog"
            thread.start()
        }

        func disarm() {
            state.withLock { $0.disarmed = true }
        }
    }
}
