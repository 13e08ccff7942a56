import Foundation
import StepUpTestSupport
import Synchronization

/// A helper program the tests keep running (a proxy, an upstream app): output kept for failure messages,
/// ready once its port accepts connections, stopped with SIGTERM (SIGKILL if it lingers), never left behind.
final class BackgroundProcess: Sendable {
    let name: String
    private let pid: pid_t
    private let log = Tail()
    private let reaped = Mutex(false)

    init(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        name = URL(fileURLWithPath: path).lastPathComponent
        let child = try Subprocess.start(path, arguments, environment: environment)
        pid = child.pid
        let output = child.output ?? -1
        let log = self.log
        Thread {
            var buffer = [UInt8](repeating: 0, count: 8_192)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if count > 0 {
                    let text = String(decoding: buffer[..<count], as: UTF8.self)
                    log.append(text)
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(output)
        }.start()
    }

    deinit { stop() }

    var output: String { log.text }

    /// The last 20,000 characters of the output.
    private final class Tail: Sendable {
        private let value = Mutex("")
        var text: String { value.withLock { $0 } }
        func append(_ chunk: String) { value.withLock { $0 = String(($0 + chunk).suffix(20_000)) } }
    }

    /// Waits until something listens on 127.0.0.1:`port`; false if the process ended or `seconds` passed.
    func waitForPort(_ port: Int, seconds: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if reaped.withLock({ $0 }) { return false }
            if Subprocess.reap(pid) != nil {
                reaped.withLock { $0 = true }
                return false
            }
            if Self.accepts(port) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func stop() {
        let done = reaped.withLock { done in
            defer { done = true }
            return done
        }
        guard !done else { return }
        kill(pid, SIGTERM)
        for _ in 0..<200 where Subprocess.reap(pid) == nil { usleep(10_000) }
        if kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
            _ = Subprocess.wait(for: pid)
        }
    }

    static func freePort() -> Int { LoopbackPort.free() }

    static func accepts(_ port: Int) -> Bool { LoopbackPort.accepts(port) }

    /// Starts `Browser/<script>` with python, which listens on a free loopback port and writes it to a file in
    /// `directory`; returns the process and the port (0 if none was written within 10 s).
    static func pythonServer(_ python: String, script: String, in directory: URL) async throws
        -> (process: BackgroundProcess, port: Int)
    {
        let portFile = directory.appendingPathComponent("\(script).port").path
        let process = try BackgroundProcess(python, [ForwardAuthProxyTests.edge.appendingPathComponent(script).path,
                                                     portFile])
        var port = 0
        for _ in 0..<200 where port == 0 {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) } ?? 0
            if port == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        return (process, port)
    }
}
