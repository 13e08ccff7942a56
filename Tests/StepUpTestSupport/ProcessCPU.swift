import Foundation

/// CPU time a process or thread has used, from Linux's `/proc/…/stat`.
public enum ProcessCPU {
    /// The name and user plus system time (clock ticks) in a `stat` file such as `/proc/PID/stat` or
    /// `/proc/PID/task/TID/stat`; `nil` when it cannot be read.
    public static func stat(_ path: String) -> (name: String, ticks: Int)? {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
        // `pid (name) state ppid …`: the name may hold spaces; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return (String(stat[stat.index(after: open)..<close]), user + system)
    }
}
