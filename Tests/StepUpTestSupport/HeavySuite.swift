import Foundation
import Testing

/// Lets only a few heavy suites — those that start servers, browsers, databases or proxies — run at once.
///
/// Swift Testing starts every suite at once. On a 2-core CI machine the two dozen end-to-end suites together
/// started dozens of `stepup serve`, Python, Chromium and PostgreSQL processes (load average above 40), and tests
/// failed for want of a core: a 60-second bound took 81 s, a 200 MB upload met a server's request timeout, an
/// outbox used up its retries before its SMTP sink got to run. A heavy suite now waits for one of
/// ``SuiteSlots/heavy`` slots before its first test starts, and the wait does not count against its tests' time
/// limits (those run per test, inside the suite). The light suites — most of them — run alongside as before.
public struct HeavySuiteTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        try await SuiteSlots.heavy.withSlot(function)
    }
}

extension Trait where Self == HeavySuiteTrait {
    /// One of a few heavy suites at a time: see ``HeavySuiteTrait``.
    public static var heavy: Self { HeavySuiteTrait() }
}

/// Slots suites take turns in, first come first served: ``heavy`` for suites that start processes, ``cpu`` for
/// suites that compute for seconds (see ``OwnThreadTrait``).
public final class SuiteSlots: @unchecked Sendable {
    /// `STEPUP_HEAVY_SUITES`, or one more than the cores (a suite spends much of its time waiting for its processes).
    public static let heavy = SuiteSlots(count: configured("STEPUP_HEAVY_SUITES")
        ?? ProcessInfo.processInfo.activeProcessorCount + 1)
    /// `STEPUP_CPU_SUITES`, or as many as the cores.
    public static let cpu = SuiteSlots(count: configured("STEPUP_CPU_SUITES")
        ?? ProcessInfo.processInfo.activeProcessorCount)

    public let count: Int
    /// The slot pools the current task holds a slot of: a suite nested in another runs in its parent's slot
    /// (waiting for a second one could deadlock).
    @TaskLocal static var held: Set<ObjectIdentifier> = []

    private let lock = NSLock()
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) {
        self.count = count
        free = count
    }

    private static func configured(_ name: String) -> Int? {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Runs `body` in a slot of this pool, waiting for one first.
    func withSlot(_ body: @Sendable () async throws -> Void) async throws {
        let id = ObjectIdentifier(self)
        if Self.held.contains(id) { return try await body() }
        await acquire()
        defer { release() }
        try await Self.$held.withValue(Self.held.union([id])) { try await body() }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                guard free > 0 else {
                    waiting.append(continuation)
                    return false
                }
                free -= 1
                return true
            }
            if now { continuation.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            if waiting.isEmpty {
                free += 1
                return nil
            }
            return waiting.removeFirst()
        }
        next?.resume()
    }
}
