import Foundation
import StepUpTestSupport
import Synchronization
import Testing

/// A `stepup serve` process on a free port; its output is drained continuously by a reader thread (so it never
/// blocks on a full pipe) and kept for assertions and failure messages. Stopped with SIGTERM.
final class RunningServer: Sendable {
    private let pid: pid_t
    private let exit: ExitStatus
    private let log: LogBuffer
    let baseURL: String

    private init(pid: pid_t, exit: ExitStatus, log: LogBuffer, baseURL: String) {
        self.pid = pid
        self.exit = exit
        self.log = log
        self.baseURL = baseURL
    }

    /// Starts `stepup serve --port 0 …` and waits — without polling — for its "listening on" line, or fails
    /// when the process exits first or `timeout` passes.
    static func start(arguments: [String], environment: [String: String]? = nil, port: Int = 0,
                      timeout: Duration = .seconds(180)) async throws -> RunningServer {
        let child = try Subprocess.start(ExternalTool.stepupBinary, ["serve", "--port", "\(port)"] + arguments,
                                         environment: environment)
        let log = LogBuffer()
        let exit = ExitStatus()
        let output = child.output ?? -1
        Thread {
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
                if count > 0 {
                    log.append(String(decoding: buffer[..<count], as: UTF8.self))
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(output)
            log.finish()
        }.start()
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
            kill(child.pid, SIGKILL)
            exit.record(Subprocess.wait(for: child.pid))
            throw ServerStartError(output: log.read { $0 })
        }
        return RunningServer(pid: child.pid, exit: exit, log: log, baseURL: found)
    }

    /// A test that failed before `stop()` leaves no server behind.
    deinit {
        if exit.status == nil {
            kill(pid, SIGKILL)
            exit.record(Subprocess.wait(for: pid))
        }
    }

    var output: String { log.read { $0 } }

    /// The server's peak resident memory so far (VmHWM), in MiB.
    var peakMemoryMiB: Double? { memoryMiB("VmHWM:") }

    /// The server's resident memory now (VmRSS), in MiB.
    var residentMemoryMiB: Double? { memoryMiB("VmRSS:") }

    /// A `kB` line of `/proc/PID/status`, in MiB.
    private func memoryMiB(_ key: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let kib = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kib / 1_024
    }

    /// CPU time each of the server's threads has used so far, in clock ticks, by thread name (threads of one
    /// name summed): `/proc/PID/task/*/stat`'s user and system times.
    var cpuTicksByThreadName: [String: Int] {
        var ticks: [String: Int] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            guard let (name, used) = ProcessCPU.stat("/proc/\(pid)/task/\(task)/stat") else { continue }
            ticks[name, default: 0] += used
        }
        return ticks
    }

    /// The server's open file descriptors (its sockets among them).
    var openDescriptors: Int? {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count
    }

    /// Sends a signal (e.g. SIGHUP to reload the policy).
    func signal(_ number: Int32) {
        if exit.status == nil { kill(pid, number) }
    }

    /// SIGTERM, then the exit status (SIGKILL after 90 s: a server that does not stop fails the test). The margin is
    /// for a loaded CI machine finishing in-flight requests, not for a server that hangs.
    func stop() async -> Int32 {
        if let status = exit.status { return status }
        let pid = self.pid, exit = self.exit
        return await withCheckedContinuation { continuation in
            Thread {
                kill(pid, SIGTERM)
                let deadline = Date().addingTimeInterval(90)
                var status = Subprocess.reap(pid)
                while status == nil, Date() < deadline {
                    usleep(10_000)
                    status = Subprocess.reap(pid)
                }
                if status == nil {
                    kill(pid, SIGKILL)
                    Issue.record("stepup serve ignored SIGTERM for 90 s")
                    status = Subprocess.wait(for: pid)
                }
                exit.record(status ?? -1)
                continuation.resume(returning: status ?? -1)
            }.start()
        }
    }

    /// The child's exit status once it has been reaped (a pid is reaped once, and never signalled after).
    private final class ExitStatus: Sendable {
        private let value = Mutex<Int32?>(nil)
        var status: Int32? { value.withLock { $0 } }
        func record(_ status: Int32) { value.withLock { $0 = status } }
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
