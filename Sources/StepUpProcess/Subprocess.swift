#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Child processes started with `posix_spawn` rather than Foundation's `Process`.
///
/// Foundation's `Process.run()` walks every open file descriptor of the parent to close them in the child; with
/// the hundreds of SQLite connections the parallel store suites hold, that walk crashed the test process now and
/// then (a `memcpy` overflow inside `Process.run`). Here every pipe is created close-on-exec and only the three
/// standard streams are handed to the child, so nothing depends on how many descriptors are open. The child also
/// starts with default signal handling and nothing blocked, whatever the parent ignores (a parent that ignores
/// SIGTERM for its own graceful shutdown would otherwise hand that on, and its children could not be stopped).
public enum Subprocess {
    /// glibc's `pipe2`, which the Swift overlay hides behind `_GNU_SOURCE`: the pipe is close-on-exec from birth,
    /// so a child spawned by another thread at the same moment cannot inherit it.
    @_silgen_name("pipe2")
    private static func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), also hidden behind `_GNU_SOURCE`.
    @_silgen_name("posix_spawn_file_actions_addclosefrom_np")
    private static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32)
        -> Int32

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// True when the program outlived its timeout and was killed.
        public var timedOut: Bool
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// A started child: its pid and, when requested, the read end of a pipe carrying its stdout and stderr.
    public struct Child: Sendable {
        public let pid: pid_t
        public let output: Int32?
    }

    /// Runs `path` to completion, feeding `input` on stdin and collecting stdout and stderr (never blocking on a
    /// full pipe). After `timeout` the program is killed and `timedOut` is set. Blocks the calling thread.
    public static func run(_ path: String, _ arguments: [String], input: [UInt8] = [],
                           environment: [String: String]? = nil, timeout: Duration = .seconds(120),
                           passStderr: Bool = false) throws -> Output {
        let stdin = try makePipe(), stdout = try makePipe()
        let stderr = passStderr ? (read: Int32(-1), write: Int32(2)) : try makePipe()
        let pid: pid_t
        do {
            pid = try spawn(path, arguments, environment: environment,
                            stdin: stdin.read, stdout: stdout.write, stderr: stderr.write)
        } catch {
            for fd in [stdin.read, stdin.write, stdout.read, stdout.write] { close(fd) }
            if !passStderr { close(stderr.read); close(stderr.write) }
            throw error
        }
        close(stdin.read); close(stdout.write)
        if !passStderr { close(stderr.write) }
        _ = fcntl(stdin.write, F_SETFL, fcntl(stdin.write, F_GETFL) | O_NONBLOCK)

        var pending = input[...]
        var inFD: Int32 = stdin.write
        var outFD: Int32 = stdout.read, errFD: Int32 = passStderr ? -1 : stderr.read
        var out: [UInt8] = [], err: [UInt8] = []
        if pending.isEmpty { close(inFD); inFD = -1 }
        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while outFD >= 0 || errFD >= 0 || inFD >= 0 {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero {
                timedOut = true
                kill(pid, SIGKILL)
                break
            }
            var fds = [pollfd(fd: inFD, events: Int16(POLLOUT), revents: 0),
                       pollfd(fd: outFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)]
            let milliseconds = Int32(min(1_000, max(1, left.components.seconds * 1_000
                + left.components.attoseconds / 1_000_000_000_000_000)))
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0, errno != EINTR { break }
            if ready <= 0 { continue }
            if inFD >= 0, fds[0].revents != 0 {
                let written = pending.withUnsafeBytes { write(inFD, $0.baseAddress, $0.count) }
                if written > 0 { pending = pending.dropFirst(written) }
                if written < 0 && errno != EAGAIN && errno != EINTR || pending.isEmpty {
                    close(inFD); inFD = -1
                }
            }
            for (index, isOut) in [(1, true), (2, false)] where fds[index].revents != 0 {
                let fd = isOut ? outFD : errFD
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if isOut { out += buffer[..<count] } else { err += buffer[..<count] }
                } else if count == 0 || errno != EINTR && errno != EAGAIN {
                    close(fd)
                    if isOut { outFD = -1 } else { errFD = -1 }
                }
            }
        }
        for fd in [inFD, outFD, errFD] where fd >= 0 { close(fd) }
        return Output(status: wait(for: pid), stdout: out, stderr: err, timedOut: timedOut)
    }

    /// Starts `path` with stdin from /dev/null and stdout and stderr into one pipe whose read end is returned
    /// (close-on-exec; the caller reads and closes it). For long-running children such as `stepup serve`.
    public static func start(_ path: String, _ arguments: [String],
                             environment: [String: String]? = nil) throws -> Child {
        let output = try makePipe()
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        do {
            let pid = try spawn(path, arguments, environment: environment,
                                stdin: null, stdout: output.write, stderr: output.write)
            close(output.write)
            return Child(pid: pid, output: output.read)
        } catch {
            close(output.read); close(output.write)
            throw error
        }
    }

    /// Reaps `pid`; its exit status, or 128 + the signal that ended it.
    public static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return decode(status)
    }

    /// Reaps `pid` if it has ended: its status, or `nil` while it runs.
    public static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 { return nil }
        if result < 0 { return -1 }
        return decode(status)
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard systemPipe2(&fds, O_CLOEXEC) == 0 else {
            throw Failure(description: "pipe2 failed: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }

    private static func spawn(_ path: String, _ arguments: [String], environment: [String: String]?,
                              stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 0/1/2 clears close-on-exec on the copies; every other descriptor of ours is close-on-exec.
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // And every other descriptor closed in the child, close-on-exec or not: a library that opened one without
        // the flag would otherwise hand it on (PostgreSQL refuses to start with ~1,000 inherited descriptors).
        _ = addCloseFrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal handling and an empty mask, whatever the test process blocked.
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all); sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { env in
            env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = argv.withUnsafeBufferPointer { argvBuffer in
            if let envp {
                return envp.withUnsafeBufferPointer { envBuffer in
                    posix_spawn(&pid, path, &actions, &attributes, argvBuffer.baseAddress!, envBuffer.baseAddress!)
                }
            }
            return posix_spawn(&pid, path, &actions, &attributes, argvBuffer.baseAddress!, environ)
        }
        guard result == 0 else {
            throw Failure(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
