import Foundation
import NIOCore
@testable import StepUpBench
import StepUpTestSupport
import Testing

/// The benchmarks' load generator: its response reader on every framing the servers it drives use, and whole runs
/// against the real bare handler (and against nothing at all).
@Suite("Load generator", .heavy, .timeLimit(.minutes(5)))
struct LoadGeneratorTests {
    /// Feeds `text` split at `cut` and returns the statuses read.
    private func statuses(_ text: String, cut: Int? = nil) throws -> [Int] {
        var scanner = HTTPResponseScanner()
        var found: [Int] = []
        let bytes = Array(text.utf8)
        let pieces = cut.map { [Array(bytes.prefix($0)), Array(bytes.dropFirst($0))] } ?? [bytes]
        for piece in pieces {
            var buffer = ByteBuffer(bytes: piece)
            while let status = try scanner.scan(&buffer) { found.append(status) }
        }
        return found
    }

    @Test func readsLengthsChunksAndBodilessAnswersWhereverTheBytesAreCut() throws {
        let stream = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
            + "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 401 Unauthorized\r\ntransfer-encoding: chunked\r\n\r\n"
            + "3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n"
            + "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n"
        for cut in 0...stream.utf8.count {
            #expect(try statuses(stream, cut: cut) == [200, 401, 204, 403], "cut at \(cut)")
        }
    }

    @Test func notesAClosingAnswerAndRefusesWhatItCannotFrame() throws {
        var scanner = HTTPResponseScanner()
        var buffer = ByteBuffer(string: "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno")
        #expect(try scanner.scan(&buffer) == 503)
        #expect(scanner.closesConnection)
        for garbage in ["SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\nbody until close",
                        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"] {
            #expect(throws: HTTPResponseScanner.Malformed.self, "\(garbage)") { try statuses(garbage) }
        }
        var endless = ByteBuffer(repeating: UInt8(ascii: "a"), count: HTTPResponseScanner.maxHead + 1)
        var fresh = HTTPResponseScanner()
        #expect(throws: HTTPResponseScanner.Malformed.self) { try fresh.scan(&endless) }
    }

    @Test func closedAndOpenLoopsAgainstTheBareHandler() async throws {
        let bare = try await BarePeer.start()
        defer { bare.stop() }
        let post = LoadGenerator(url: bare.base + "/v1/decisions", headers: [("Content-Type", "application/json")],
                                 body: #"{"action":"reports.view"}"#)
        let closed = try await post.run(connections: 4, duration: .milliseconds(500))
        #expect(closed.failures == 0, "\(closed.firstFailure ?? "")")
        #expect(closed.requests > 0 && closed.latencies.count == closed.requests)
        #expect(closed.latencies == closed.latencies.sorted())

        // 400 requests due over one second: each is sent or counted as failed exactly once, and the run lasts at
        // least the second they were due in. (How late they are depends on the machine: a loaded CI runner starves
        // the generator's thread, so no latency is asserted.)
        let get = LoadGenerator(url: bare.base + "/reports/q1", headers: [], body: "", method: .GET)
        let open = try await get.run(rate: 400, connections: 8, duration: .seconds(1))
        #expect(open.requests + open.failures == 400 && open.requests > 0, "\(open.requests) \(open.failures)")
        #expect(open.failures == 0 || open.firstFailure?.contains("gave up") == true, "\(open.firstFailure ?? "")")
        #expect(open.seconds >= 0.99, "\(open.seconds)")

        // A 404 is a failure with its status named.
        let missing = LoadGenerator(url: bare.base + "/nowhere", headers: [], body: "")
        let refused = try await missing.run(rate: 50, connections: 2, duration: .milliseconds(200))
        #expect(refused.failures == 10 && refused.firstFailure == "HTTP 404", "\(refused)")
    }

    @Test func aServerThatIsNotThereFailsEveryRequestAndEnds() async throws {
        let port = LoopbackPort.free()
        let generator = LoadGenerator(url: "http://127.0.0.1:\(port)/", headers: [], body: "", method: .GET)
        let open = try await generator.run(rate: 100, connections: 4, duration: .milliseconds(500))
        #expect(open.failures == 50 && open.requests == 0, "\(open)")
        let closed = try await generator.run(connections: 3, duration: .milliseconds(200))
        #expect(closed.failures == 3 && closed.requests == 0, "\(closed)")
        #expect(throws: LoadGenerator.InvalidTarget.self) {
            try LoadGenerator.Target(url: "https://127.0.0.1/", method: .GET, headers: [], body: "")
        }
    }

    /// `stepup bench load`: the generator alone from the command line, with its lines and its refusals.
    @Test func theCommandDrivesAnyURLAndRefusesBadArguments() async throws {
        let bare = try await BarePeer.start()
        defer { bare.stop() }
        let run = try await ExternalTool.run(ExternalTool.stepupBinary, [
            "bench", "load", bare.base + "/v1/decisions", "--method", "POST", "-H", "Content-Type: application/json",
            "--body", #"{"action":"reports.view"}"#, "--connections", "2", "--seconds", "0.5", "--rate", "100",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let values = run.figures
        let sent = values["requests"].flatMap(Int.init) ?? 0
        #expect(sent > 0 && sent + (values["failures"].flatMap(Int.init) ?? -1) == 50, "\(run.stdout)")
        #expect(["rps", "p50_ms", "p99_ms", "max_ms"].allSatisfy { values[$0].flatMap(Double.init) != nil })
        // --show-slow lists each request slower than 5 ms as slow=<due ms>,<latency ms> (to 0.01 ms: 5.004 is "5.00").
        let slow = try await ExternalTool.run(ExternalTool.stepupBinary, [
            "bench", "load", bare.base + "/", "--connections", "1", "--seconds", "0.3", "--show-slow",
        ])
        #expect(slow.status == 0, "\(slow.stderr)")
        let listed = slow.stdout.split(separator: "\n").filter { $0.hasPrefix("slow=") }
        #expect(listed.allSatisfy { line in
            let numbers = line.dropFirst(5).split(separator: ",").compactMap { Double($0) }
            return numbers.count == 2 && numbers[1] >= 5
        }, "\(listed)")
        for bad in [["--method", "PUT"], ["--rate", "0"], ["-H", "no colon"], ["--connections", "0"]] {
            let refused = try await ExternalTool.run(ExternalTool.stepupBinary,
                                                     ["bench", "load", bare.base + "/"] + bad)
            #expect(refused.status != 0, "\(bad)")
        }
        let unreachable = try await ExternalTool.run(ExternalTool.stepupBinary, ["bench", "load", "https://x/"])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("http://host:port"), "\(unreachable.stderr)")
    }

    /// Another server's framing (Python's `http.server`, HTTP/1.1 with lengths) and the slow-request list: every
    /// answer takes 20 ms, so every request is listed, due inside the run.
    @Test func slowAnswersAreListedWithWhenTheyWereDue() async throws {
        guard let python = ExternalTool.require("python3", package: "python3") else { return }
        let port = LoopbackPort.free()
        let script = """
            import http.server, sys, time
            class Slow(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_GET(self):
                    time.sleep(0.02)
                    self.send_response(200); self.send_header("Content-Length", "3"); self.end_headers()
                    self.wfile.write(b"ok\\n")
                def log_message(self, *args): pass
            http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Slow).serve_forever()
            """
        let server = try BackgroundProcess(python, ["-c", script, "\(port)"])
        defer { server.stop() }
        #expect(await server.waitForPort(port, seconds: 90), "\(server.output)")
        let generator = LoadGenerator(url: "http://127.0.0.1:\(port)/slow", headers: [], body: "", method: .GET)
        let result = try await generator.run(rate: 20, connections: 2, duration: .milliseconds(500))
        #expect(result.requests > 0 && result.requests + result.failures == 10, "\(result.firstFailure ?? "")")
        #expect(result.slow.count == result.requests)
        #expect(result.slow.allSatisfy { $0.latency >= 19 && $0.due >= 0 && $0.due < 500 }, "\(result.slow)")
    }
}
