import Foundation
import StepUpTestSupport

/// Real nginx balancing round-robin over several StepUp instances, logging which instance served each request.
struct RoundRobinProxy {
    let process: BackgroundProcess
    let baseURL: String
    let accessLog: URL

    /// Starts nginx in `directory` in front of `upstreams` (`http://127.0.0.1:port` each); nil when it does not
    /// come up (the test then fails with its output).
    static func start(_ nginx: String, upstreams: [String], in directory: URL) async throws -> RoundRobinProxy? {
        let port = LoopbackPort.free()
        let root = directory.path
        let servers = upstreams.map { "server \($0.replacingOccurrences(of: "http://", with: ""));" }
            .joined(separator: " ")
        let config = nginxConfig(root: root, http: """
            log_format upstream '$upstream_addr $status';
            access_log \(root)/access.log upstream;
            upstream stepup { \(servers) keepalive 16; }
            server {
                listen 127.0.0.1:\(port);
                location / {
                    proxy_pass http://stepup;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_next_upstream off;
                }
            }
            """)
        let file = directory.appendingPathComponent("nginx.conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let process = try BackgroundProcess(nginx, ["-p", root, "-c", file.path])
        guard await process.waitForPort(port) else {
            print("nginx did not start:\n\(process.output)")
            return nil
        }
        return RoundRobinProxy(process: process, baseURL: "http://127.0.0.1:\(port)",
                               accessLog: directory.appendingPathComponent("access.log"))
    }

    /// Requests served, by upstream address (`127.0.0.1:port`).
    func servedBy() -> [String: Int] {
        let text = (try? String(contentsOf: accessLog, encoding: .utf8)) ?? ""
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            if let upstream = line.split(separator: " ").first { counts[String(upstream), default: 0] += 1 }
        }
        return counts
    }
}

/// A whole nginx configuration for a test: in the foreground, one worker, every file under `root`, `http` as the
/// body of the `http` block.
func nginxConfig(root: String, http: String) -> String {
    """
    pid \(root)/nginx.pid;
    error_log stderr warn;
    daemon off;
    worker_processes 1;
    events { worker_connections 512; }
    http {
        client_body_temp_path \(root)/body;
        proxy_temp_path \(root)/proxy;
        fastcgi_temp_path \(root)/fastcgi;
        uwsgi_temp_path \(root)/uwsgi;
        scgi_temp_path \(root)/scgi;
    \(http.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
    }
    """
}
