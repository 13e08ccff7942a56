import Foundation
import Logging
import StepUpTestSupport
import StepUpCore
import Synchronization
import Testing
@testable import StepUpServer

/// A folder of `.eml` files (the file channel's, or what the test SMTP server received).
struct Mailbox: Sendable {
    let directory: URL

    static func temporary() throws -> Mailbox {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepup-mail-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return Mailbox(directory: directory)
    }

    /// The messages, oldest first (by modification time, then name).
    func messages() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let files = names.filter { $0.hasSuffix(".eml") }.map { directory.appendingPathComponent($0) }
        func modified(_ url: URL) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return files.map { ($0, modified($0)) }.sorted { ($0.1, $0.0.path) < ($1.1, $1.0.path) }.compactMap {
            try? String(contentsOf: $0.0, encoding: .utf8)
        }
    }

    /// The one-time code in the newest message: the first run of 6 to 8 digits in its body.
    func lastCode() -> String? {
        guard let message = messages().last else { return nil }
        return Self.code(in: message)
    }

    static func code(in message: String) -> String? {
        let body = message.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\n")
        return body.firstMatch(of: /\b[0-9]{6,8}\b/).map { String($0.output) }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

extension TestHarness {
    /// A harness whose e-mail codes go to `mailbox` through the file channel.
    init(mailbox: Mailbox, configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        try self.init { configuration in
            configuration.email.channel = .file
            configuration.email.directory = mailbox.directory.path
            configure(&configuration)
        }
    }

    /// The outbox's sender with the configured channels, on the harness's clock.
    func dispatcher(environment: [String: String] = [:]) throws -> OutboxDispatcher {
        try OutboxDispatcher.make(service: service, environment: environment, logger: Logger(label: "outbox"))
    }

    /// `bob`, with no second factor yet, on the known test device.
    func bob() async throws -> UserRecord {
        let user = try await service.createUser(username: "bob", password: "correct horse battery",
                                                roles: ["customer"])
        try await knowDevice(of: user)
        return user
    }
}

/// A Python script from `Sinks/` listening on a loopback port (an SMTP server, an SMS provider's endpoint),
/// stopped with SIGTERM (SIGKILL if it lingers).
final class PythonSink: Sendable {
    private let pid: pid_t
    private let output: Int32?
    private let stopped = Mutex(false)

    /// The path of `Sinks/<script>`.
    static func path(_ script: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Sinks")
            .appendingPathComponent(script).path
    }

    /// Starts `Sinks/<script> <port> <arguments…>` and waits until the port accepts connections.
    init(script: String, port: Int, arguments: [String]) async throws {
        let path = Self.path(script)
        let python = TestTools.which("python3") ?? "/usr/bin/python3"
        let child = try Subprocess.start(python, [path, String(port)] + arguments)
        pid = child.pid
        output = child.output
        var up = false
        for _ in 0..<200 {
            up = LoopbackPort.accepts(port)
            if up || Subprocess.reap(pid) != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard up else {
            stop()
            throw TestFailure("\(script) did not start on port \(port)")
        }
    }

    func stop() {
        guard !stopped.withLock({ done in defer { done = true }; return done }) else { return }
        kill(pid, SIGTERM)
        for _ in 0..<200 where Subprocess.reap(pid) == nil { usleep(10_000) }
        if kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
            _ = Subprocess.wait(for: pid)
        }
        if let output { close(output) }
    }
}

/// `Sinks/webhook_sink.py` on a free port, writing to its own folder: an SMS provider's API or a push service.
final class WebhookSink: Sendable {
    let port = LoopbackPort.free()
    let folder: Mailbox
    private let process: PythonSink

    init() async throws {
        folder = try Mailbox.temporary()
        process = try await PythonSink(script: "webhook_sink.py", port: port, arguments: [folder.directory.path])
    }

    func stop() {
        process.stop()
        folder.remove()
    }
}
