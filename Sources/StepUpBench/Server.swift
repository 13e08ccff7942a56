import Foundation

/// The `stepup serve` process under test.
// @unchecked: the Process is only started here and terminated in `stop`.
final class Server: @unchecked Sendable {
    let process: Process
    let base: String
    var pid: Int32 { process.processIdentifier }

    private init(process: Process, base: String) {
        self.process = process
        self.base = base
    }

    static func start(binary: String, config: String) throws -> Server {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config", config, "--port", "0", "--log-level", "warning"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: "listening on http://"),
               let end = text[range.upperBound...].firstIndex(where: { $0 == " " || $0 == "\n" }) {
                output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
                return Server(process: process, base: "http://" + text[range.upperBound..<end])
            }
        }
        process.terminate()
        throw DecisionBenchmark.Failure(description: "stepup serve did not start: \(text)")
    }

    func rssMiB() -> Double { memory().total }

    /// Resident memory in MiB: in all, and split into anonymous (heap, stacks: what a leak grows) and file-backed
    /// (mapped code and the memory-mapped database, which the kernel may drop at any time).
    func memory() -> (total: Double, anonymous: Double, file: Double) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0, 0) }
        func mib(_ key: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
                  let kib = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap({ Double($0) })
            else { return 0 }
            return kib / 1_024
        }
        return (mib("VmRSS:"), mib("RssAnon:"), mib("RssFile:"))
    }

    /// Returns once the server has used less than 5 % of a core over half a second (or after 60 s).
    func waitUntilIdle() async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        var before = cpuSeconds()
        while clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(500))
            let now = cpuSeconds()
            if now - before < 0.025 { return }
            before = now
        }
    }

    /// User plus system CPU time the server has used so far, in seconds (`/proc/PID/stat` counts clock ticks).
    private func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")")
        else { return 0 }
        // After the command name: state is field 3, utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(max(sysconf(Int32(_SC_CLK_TCK)), 1))
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
