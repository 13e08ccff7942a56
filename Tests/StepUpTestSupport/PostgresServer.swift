import Foundation
import StepUpProcess
import Synchronization
import Testing

/// A real PostgreSQL server for the tests: `initdb` in a temporary folder, `postgres` listening on a Unix socket
/// in that folder and on a free loopback port, stopped when the test process exits (or by ``stop()``).
///
/// PostgreSQL refuses to run as root; when the tests do (CI), the server runs as the `postgres` user (or
/// `nobody`) through `setpriv`. Connections over TCP authenticate with a password (SCRAM), over the socket
/// they are trusted (for `psql` here).
public final class PostgresServer: Sendable {
    /// The folder holding the data directory, the socket and the log.
    public let directory: String
    public let port: Int
    /// The superuser role.
    public let user = "stepup"
    public let password: String
    private let runAs: [String]
    private let binaries: String

    /// The server every test in this process shares (each test makes its own database), or nil when PostgreSQL
    /// is not installed: the test is then skipped with a printed reason, or fails when `CI` is set.
    public static func shared() async throws -> PostgresServer? {
        try await offload { try startShared() }
    }

    private static func startShared() throws -> PostgresServer? {
        try sharedServer.withLock { state in
            if let server = state.server { return server }
            if let reason = state.missing { return skip(reason) }
            guard let binaries = installedBinaries() else {
                state.missing = "PostgreSQL 15 (initdb, pg_ctl) not installed (apt-get install postgresql)"
                return skip(state.missing!)
            }
            let server = try PostgresServer(binaries: binaries)
            state.server = server
            atexit { PostgresServer.stopShared() }
            return server
        }
    }

    /// A server of its own (for tests that stop and restart it); ``destroy()`` it afterwards. Nil as for
    /// ``shared()``.
    public static func dedicated() async throws -> PostgresServer? {
        guard let binaries = installedBinaries() else {
            return skip("PostgreSQL 15 (initdb, pg_ctl) not installed (apt-get install postgresql)")
        }
        return try await offload { try PostgresServer(binaries: binaries) }
    }

    private static let sharedServer = Mutex<(server: PostgresServer?, missing: String?)>((nil, nil))

    private static func stopShared() {
        sharedServer.withLock { $0.server }?.destroy()
    }

    private static func skip(_ reason: String) -> PostgresServer? {
        if TestTools.isCI {
            Issue.record("required \(reason) (CI=true)")
        } else {
            print("SKIP: \(reason)")
        }
        return nil
    }

    /// The folder with `initdb`, `pg_ctl` and `postgres`, if PostgreSQL is installed.
    static func installedBinaries() -> String? {
        let candidates = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]
            + (TestTools.which("initdb").map { [URL(fileURLWithPath: $0).deletingLastPathComponent().path] } ?? [])
        return candidates.first { FileManager.default.isExecutableFile(atPath: "\($0)/pg_ctl") }
    }

    /// Creates and starts a new cluster (a separate one from ``shared()``, e.g. for restart tests).
    public init(binaries: String) throws {
        self.binaries = binaries
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepup-pg-\(UUID().uuidString.prefix(8))").path
        port = LoopbackPort.free()
        password = UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        if getuid() == 0 {
            let owner = getpwnam("postgres") != nil ? "postgres" : "nobody"
            let group = owner == "postgres" ? "postgres" : "nogroup"
            try TestTools.run("chown", ["\(owner):\(group)", directory])
            runAs = ["/usr/bin/setpriv", "--reuid=\(owner)", "--regid=\(group)", "--clear-groups", "--"]
        } else {
            runAs = []
        }
        try FileManager.default.createDirectory(atPath: "\(directory)/pw", withIntermediateDirectories: true)
        let passwordFile = "\(directory)/pw/password"
        try Data(password.utf8).write(to: URL(fileURLWithPath: passwordFile))
        if getuid() == 0 { try TestTools.run("chown", ["-R", owner(of: directory), "\(directory)/pw"]) }
        try runTool("initdb", ["-D", "\(directory)/data", "-U", user, "--pwfile=\(passwordFile)",
                               "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"])
        try start()
    }

    private func owner(of path: String) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return "\(attributes?[.ownerAccountName] as? String ?? "root"):\(attributes?[.groupOwnerAccountName] as? String ?? "root")"
    }

    private func runTool(_ tool: String, _ arguments: [String], seconds: Int = 60) throws {
        let command = runAs + ["\(binaries)/\(tool)"] + arguments
        let result = try Subprocess.run(command[0], Array(command.dropFirst()), timeout: .seconds(seconds))
        guard result.status == 0 else {
            throw TestTools.Failure(status: result.status, stderr: result.stdoutText + result.stderrText)
        }
    }

    /// Starts the server (after ``stop()``: the same data, port and socket) and waits until it accepts connections.
    public func start() throws {
        // fsync off: the tests kill StepUp processes, never the machine.
        try runTool("pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/postgres.log", "-w", "-t", "60",
                               "-o", "-k \(directory) -p \(port) -h 127.0.0.1 -c fsync=off -c max_connections=1000",
                               "start"])
    }

    /// Stops the server (fast shutdown: open connections are closed).
    public func stop() {
        try? runTool("pg_ctl", ["-D", "\(directory)/data", "-m", "fast", "-w", "stop"])
    }

    /// Sends `signal` to the server and every process it started (its backends): `SIGSTOP` freezes it with its
    /// connections open, as a hung or partitioned database looks to a client; `SIGCONT` thaws it.
    public func signalAll(_ signal: Int32) {
        guard let text = try? String(contentsOfFile: "\(directory)/data/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let postmaster = pid_t(first) else { return }
        var pids = [postmaster]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // Fields after the command's closing parenthesis: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == postmaster { pids.append(pid) }
        }
        for pid in pids { kill(pid, signal) }
    }

    /// Stops the server and removes its folder.
    public func destroy() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A `postgres://` URL for `database` over TCP with the password.
    public func url(database: String) -> String {
        "postgres://\(user):\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs SQL through `psql` on the socket (as the superuser, on database `postgres`).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let psql = FileManager.default.isExecutableFile(atPath: "\(binaries)/psql") ? "\(binaries)/psql" : "psql"
        let result = try Subprocess.run(psql, ["-h", directory, "-p", "\(port)", "-U", user, "-d", database,
                                               "-v", "ON_ERROR_STOP=1", "-At", "-c", sql], timeout: .seconds(60))
        guard result.status == 0 else { throw TestTools.Failure(status: result.status, stderr: result.stderrText) }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new empty database; returns its name.
    public func createDatabase() async throws -> String {
        let name = "stepup_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        try await Self.offload { try self.psql("CREATE DATABASE \(name)") }
        return name
    }

    /// Drops `name` (closing its connections), in the background: callable from `defer`.
    public func dropDatabase(_ name: String) {
        Thread { _ = try? self.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }.start()
    }

    /// Runs blocking work (a child process) on a thread of its own, never on one of the few cooperative threads
    /// that every test shares.
    public static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
