import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import StepUpCrypto
import StepUpTestSupport
import Synchronization
import Testing
@testable import StepUpServer

/// Sign-ins hash at the lowest CPU priority, so decisions keep the cores during a storm. On a machine that other
/// processes keep busy, that priority alone would starve a sign-in for minutes; the hashing pool's catch-up thread
/// must finish it within seconds, and `/metrics` must say it happened.
@Suite("Sign-in while other processes keep every core busy", .heavy, .timeLimit(.minutes(5)))
struct SignInStarvationTests {
    @Test func aSignInOnAMachineOthersKeepBusyCompletesAndIsReported() async throws {
        #if os(Linux)
        // A hash of some weight. The pool counts each slice of a hash's lanes as progress, and a starved `SCHED_IDLE`
        // thread still gets a trickle (~0.15 % of a core): with 8 MiB a slice took ~2 ms, about what the trickle
        // gives in a second, so on a loaded CI machine the slices sometimes kept the pool "progressing" and the
        // catch-up thread never woke (escalations 0, the sign-in done only once the busy loops ended). With 32 MiB
        // a slice needs seconds of trickle; the catch-up thread's whole hash stays well under a second of CPU.
        let harness = try TestHarness { $0.passwords.memoryKiB = 32 * 1024; $0.passwords.iterations = 2 }
        _ = try await harness.aliceWithTOTP()
        try await harness.application().test(.router) { client in
            // Two per core, so no core falls idle for an idle-priority thread: with one per core a CI run once
            // finished the hash in 2.3 s at that priority without the catch-up thread (likely two loops sharing one
            // core until the scheduler balanced them, the other core left to the hash). They stop after 5 s whatever happens: on a
            // loaded CI machine they must not starve the other tests running alongside for long (the catch-up
            // thread has taken the hash up after the first second).
            let busy = try BusyProcesses(count: 2 * ProcessInfo.processInfo.activeProcessorCount)
            let watchdog = Task {
                try? await Task.sleep(for: .seconds(5))
                busy.stop()
            }
            defer {
                watchdog.cancel()
                busy.stop()
            }
            // Every busy loop has its core: each has run for a while (a shell can take a moment to start; a hash
            // that begins before the loops spin finishes on a free core and never needs the catch-up thread).
            try await busy.waitUntilEachHasRun(for: 0.2)
            let started = ContinuousClock.now
            let reply = try await client.json(.post, "/v1/sessions", body: [
                "username": "alice", "password": "correct horse battery", "device_secret": TestHarness.deviceSecret,
            ])
            let waited = ContinuousClock.now - started
            #expect(reply.status == .created, "\(reply.text)")
            #expect(waited < .seconds(60), "the sign-in took \(waited)")
            #expect(harness.service.crypto.pool.escalations >= 1, "the hashing threads stalled, the catch-up thread took over")
            let metrics = try await client.execute(uri: "/metrics", method: .get,
                                                   headers: [.authorization: "Bearer \(TestHarness.metricsToken)"]) {
                String(buffer: $0.body)
            }
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("stepup_password_hash_catch_ups_total ") }
            let reported = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            #expect(reported >= 1, "\(line ?? "no stepup_password_hash_catch_ups_total")")
        }
        #endif
    }
}

/// Shell busy loops at normal priority, as a busy neighbour on the machine would be. Their output goes nowhere: one
/// left behind must not hold the test runner's pipe open.
final class BusyProcesses: Sendable {
    private let processIDs: Mutex<[Int32]?>

    init(count: Int) throws {
        let processes = try (0..<count).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "while :; do :; done"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process.processIdentifier
        }
        processIDs = Mutex(processes)
    }

    /// Waits until each has used `seconds` of CPU (from `/proc/PID/stat`), for at most 10 s.
    func waitUntilEachHasRun(for seconds: Double) async throws {
        let ticks = Int(seconds * Double(sysconf(Int32(_SC_CLK_TCK))))
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let ids = processIDs.withLock { $0 ?? [] }
            if ids.allSatisfy({ (ProcessCPU.stat("/proc/\($0)/stat")?.ticks ?? 0) >= ticks }) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Kills them (once: a process id is not signalled again after it may have been reused).
    func stop() {
        let processIDs = processIDs.withLock { ids in
            defer { ids = nil }
            return ids ?? []
        }
        for id in processIDs { kill(id, SIGKILL) }
    }
}
