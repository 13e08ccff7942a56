import Foundation
import Synchronization

/// A `stepup serve` process on a free port; its output is drained continuously (so it never blocks on a full
/// pipe) and kept for assertions and failure messages. Stopped with SIGTERM.
// @unchecked: `Process` is not Sendable; it is only touched from init and stop(), which tests call in order.
final class RunningServer: @unchecked Sendable {
    private let process: Process
    private let log = LogBuffer()
    let baseURL: String

    /// Starts `stepup serve --port 0 …` and waits for its "listening on" line.
    init(arguments: [String]) throws {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: ExternalTool.stepupBinary)
        process.arguments = ["serve", "--port", "0"] + arguments
        process.standardOutput = output
        process.standardError = output
        let log = self.log
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if !chunk.isEmpty { log.append(String(decoding: chunk, as: UTF8.self)) }
        }
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        var found: String?
        while Date() < deadline, process.isRunning, found == nil {
            found = log.read { text in
                guard let range = text.range(of: "listening on http://"),
                      let end = text[range.upperBound...].firstIndex(where: { $0 == "\n" || $0 == " " })
                else { return nil }
                return "http://" + text[range.upperBound..<end]
            }
            if found == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let found else {
            process.terminate()
            throw ServerStartError(output: log.read { $0 })
        }
        baseURL = found
    }

    var output: String { log.read { $0 } }

    /// Sends a signal (e.g. SIGHUP to reload the policy).
    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    struct ServerStartError: Error, CustomStringConvertible {
        var output: String
        var description: String { "stepup serve did not start:\n\(output)" }
    }
}

/// Output shared between the pipe's reader and the test.
final class LogBuffer: Sendable {
    private let text = Mutex("")
    func append(_ chunk: String) { text.withLock { $0 += chunk } }
    func read<T>(_ body: (String) -> T) -> T { text.withLock { body($0) } }
}
