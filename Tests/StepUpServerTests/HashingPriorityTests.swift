import Crypto
import Foundation
import Logging
import StepUpCore
import StepUpCrypto
import StepUpStore
import Testing
@testable import StepUpServer

/// A server hashes at the lowest CPU priority, so requests go first; a one-shot command (`stepup user add`) hashes at
/// normal priority, since it has no requests to give way to, and at the lowest a busy machine kept it waiting for
/// minutes.
@Suite("Hashing priority", .timeLimit(.minutes(5)))
struct HashingPriorityTests {
    @Test func aServerHashesAtTheLowestPriorityAndACommandAtNormal() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-priority-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServerConfiguration()
        configuration.storage.sqlitePath = directory.appendingPathComponent("s.sqlite").path
        configuration.policyFile = directory.appendingPathComponent("policy.yaml").path
        try Policy.demoYAML.write(toFile: configuration.policyFile, atomically: true, encoding: .utf8)
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        configuration.secrets.sealingKeys = "k1:\(key)"
        configuration.secrets.cookieKey = key

        // The pool's setting, not where a job ran: on a busy machine the catch-up thread (normal policy) may run it.
        // `HashingPoolTests` checks that each setting gives its threads the right policy.
        let logger = Logger(label: "test")
        let server = try await StepUpRuntime.open(configuration: configuration, logger: logger)
        #expect(server.service.crypto.pool.priority == .background, "a server's hashing gives way to its requests")
        #expect(server.service.crypto.pool.escalateAfter != nil, "and has a catch-up thread against starvation")
        await server.store.shutdown()

        let command = try await StepUpRuntime.open(configuration: configuration, logger: logger, hashing: .normal)
        #expect(command.service.crypto.pool.priority == .normal, "a command's hashing has nothing to give way to")
        await command.store.shutdown()
    }
}
