import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import UnixSignals

@testable import StepUpServer

/// On the stop signal the server's services get the configured time to finish, then they are cancelled: a
/// request stuck on something that ignores graceful shutdown cannot keep the process alive.
@Suite("Bounded shutdown", .serialized, .timeLimit(.minutes(12)))
struct BoundedShutdownTests {
    /// Ignores graceful shutdown (like a request waiting on a database); only cancellation ends it.
    final class Flag: Sendable {
        let value = Mutex(false)
    }

    struct Stubborn: Service {
        let cancelled: Flag
        func run() async throws {
            do {
                try await Task.sleep(for: .seconds(3_600))
            } catch {
                cancelled.value.withLock { $0 = true }
                throw error
            }
        }
    }

    /// Finishes on graceful shutdown, as a well-behaved service does.
    struct Polite: Service {
        func run() async throws {
            try? await gracefulShutdown()
        }
    }

    @Test func aServiceThatIgnoresTheSignalIsCancelledAfterTheTimeout() async throws {
        let cancelled = Flag()
        let service = Stubborn(cancelled: cancelled)
        let started = ContinuousClock.now
        let running = Task {
            // The last-resort exit would end the test process: far away here.
            try await BoundedShutdown.run(service, timeout: .seconds(1), signals: [.sigusr2], grace: .seconds(86_400),
                                          logger: Logger(label: "test"))
        }
        try await Task.sleep(for: .milliseconds(500))
        kill(getpid(), SIGUSR2)
        _ = await running.result
        let elapsed = ContinuousClock.now - started
        #expect(cancelled.value.withLock { $0 }, "cancelled once the time was up")
        #expect(elapsed >= .seconds(1), "the service had its time first")
        // Without the limit it would wait for the hour; the margin is for a test machine under full load.
        #expect(elapsed < .seconds(120), "and then no longer (took \(elapsed))")
    }

    @Test func aServiceThatStopsOnTheSignalStopsAtOnce() async throws {
        let started = ContinuousClock.now
        let running = Task {
            try await BoundedShutdown.run(Polite(), timeout: .seconds(600), signals: [.sigusr2],
                                          grace: .seconds(86_400), logger: Logger(label: "test"))
        }
        try await Task.sleep(for: .milliseconds(500))
        kill(getpid(), SIGUSR2)
        try await running.value
        #expect(ContinuousClock.now - started < .seconds(300), "long before its 600 s")
    }
}
