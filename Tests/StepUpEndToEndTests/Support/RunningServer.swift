import Foundation
import Synchronization
import Testing

/// A `stepup serve` process on a free port; its output is drained continuously (so it never blocks on a full
/// pipe) and kept for assertions and failure messages. Stopped with SIGTERM.
// @unchecked: `Process` is not Sendable; it is only started in `start` and waited for in `stop`.
final class RunningServer: @unchecked Sendable {
    private let process: Process
    private let log: LogBuffer
    let baseURL: String

    private init(process: Process, log: LogBuffer, baseURL: String) {
        self.process = process
        self.log = log
        self.baseURL = baseURL
    }

    /// Starts `stepup serve --port 0 …` and waits — without polling — for its "listening on" line, or fails
    /// when the process exits first or `timeout` passes.
    static func start(arguments: [String], environment: [String: String]? = nil,
                      timeout: Duration = .seconds(180)) async throws -> RunningServer {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: ExternalTool.stepupBinary)
        process.arguments = ["serve", "--port", "0"] + arguments
        if let environment { process.environment = environment }
        process.standardOutput = output
        process.standardError = output
        let log = LogBuffer()
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty { log.finish() } else { log.append(String(decoding: chunk, as: UTF8.self)) }
        }
        process.terminationHandler = { _ in log.finish() }
        try process.run()
        let found = await withTaskGroup(of: String?.self) { group in
            group.addTask { await log.address() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            log.finish()
            return first
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            throw ServerStartError(output: log.read { $0 })
        }
        return RunningServer(process: process, log: log, baseURL: found)
    }

    var output: String { log.read { $0 } }

    /// Sends a signal (e.g. SIGHUP to reload the policy).
    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// SIGTERM, then the exit status (SIGKILL after 30 s: a server that does not stop fails the test).
    func stop() async -> Int32 {
        let process = self.process
        return await withCheckedContinuation { continuation in
            Thread {
                if process.isRunning { process.terminate() }
                let deadline = Date().addingTimeInterval(30)
                while process.isRunning, Date() < deadline { usleep(10_000) }
                if process.isRunning {
                    kill(process.processIdentifier, SIGKILL)
                    Issue.record("stepup serve ignored SIGTERM for 30 s")
                }
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }.start()
        }
    }

    struct ServerStartError: Error, CustomStringConvertible {
        var output: String
        var description: String { "stepup serve did not start:\n\(output)" }
    }
}

/// Output shared between the pipe's reader and the test; wakes a waiter when the listening line arrives.
final class LogBuffer: Sendable {
    private struct State {
        var text = ""
        var finished = false
        var waiter: CheckedContinuation<String?, Never>?
    }

    private let state = Mutex(State())

    func append(_ chunk: String) {
        let resume = state.withLock { state -> (CheckedContinuation<String?, Never>, String)? in
            state.text += chunk
            guard let waiter = state.waiter, let address = Self.address(in: state.text) else { return nil }
            state.waiter = nil
            return (waiter, address)
        }
        resume.map { $0.0.resume(returning: $0.1) }
    }

    /// No more output will come (the process ended, or the waiting is over).
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<String?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The `http://host:port` from the "listening on" line, once it is printed; `nil` if output ends first.
    func address() async -> String? {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> String?? in
                if let address = Self.address(in: state.text) { return .some(address) }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    func read<T>(_ body: (String) -> T) -> T { state.withLock { body($0.text) } }

    private static func address(in text: String) -> String? {
        guard let range = text.range(of: "listening on http://"),
              let end = text[range.upperBound...].firstIndex(where: { $0 == "\n" || $0 == " " })
        else { return nil }
        return "http://" + text[range.upperBound..<end]
    }
}
