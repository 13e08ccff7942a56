import Foundation

/// Counts the `fsync` and `fdatasync` calls of a running process, every thread included (threads started later
/// too), from the kernel's syscall tracepoints: `perf stat -e syscalls:sys_enter_fsync,… -p PID`.
///
/// `perf` only reads counters, so the process runs at full speed (`strace -p` stops it at every syscall, and hung in
/// sandboxes). Where `perf` is missing or the tracepoints are not allowed, ``init(pid:)`` returns `nil` and the bench
/// derives the figure from the store's own metrics instead.
struct FsyncCounter: Sendable {
    static let events = "syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync"
    let pid: Int32
    private let perf: URL

    /// A counter for `pid`, after checking once that `perf` can count its syscalls here.
    init?(pid: Int32) async {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent("perf") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        guard let path else { return nil }
        self.pid = pid
        perf = path
        guard let probe = try? await start(), probe.stop() != nil else { return nil }
    }

    /// Starts counting; the returned value stops and reads the count. Waits until `perf` has attached.
    ///
    /// `perf` counts until its workload, a `cat` of a pipe, exits: closing the pipe stops it, with no signal to
    /// deliver (`perf stat -p` sent SIGINT from here kept running).
    func start() async throws -> Running {
        let process = Process()
        process.executableURL = perf
        process.arguments = ["stat", "-x", ",", "-e", Self.events, "-p", String(pid), "--", "cat"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = output
        try process.run()
        // perf says nothing when it has attached; it takes well under this on an idle machine.
        try await Task.sleep(for: .milliseconds(400))
        return Running(process: process, input: input, output: output)
    }

    /// One `perf stat` attached to the process.
    struct Running: @unchecked Sendable {  // the Process is only stopped and awaited, once, in `stop`
        let process: Process
        let input: Pipe
        let output: Pipe

        /// Stops counting: the calls counted since ``FsyncCounter/start()``, or `nil` when perf could not count.
        func stop() -> Int? {
            guard process.isRunning else { return nil }
            try? input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return Self.parse(text)
        }

        /// Sums the counts of `perf stat -x ,` lines (`5,,syscalls:sys_enter_fsync,…`); `nil` unless both events
        /// were counted. `<not counted>` means the process never ran meanwhile (so made no call): 0.
        static func parse(_ text: String) -> Int? {
            var total = 0
            var counted = 0
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count > 2, fields[2].hasPrefix("syscalls:sys_enter_") else { continue }
                guard let count = Int(fields[0]) ?? (fields[0] == "<not counted>" ? 0 : nil) else { return nil }
                total += count
                counted += 1
            }
            return counted == 2 ? total : nil
        }
    }
}
