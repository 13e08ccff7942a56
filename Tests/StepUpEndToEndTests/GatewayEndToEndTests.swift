import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import StepUpTestSupport
import Testing

/// The built-in gateway of a real `stepup serve` in front of a real upstream (upstream.py): 200 MB go up and
/// 200 MB come down through it while its memory stays bounded — bodies are streamed, never buffered.
@Suite("Gateway end to end", .heavy, .serialized, .timeLimit(.minutes(6)))
struct GatewayEndToEndTests {
    static let megabytes = 200
    static let password = "gateway user password"

    @Test func twoHundredMegabytesEachWayWithBoundedMemory() async throws {
        guard let python = ExternalTool.require("python3", package: "python3") else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let (upstream, upstreamPort) = try await BackgroundProcess.pythonServer(python, script: "upstream.py",
                                                                                in: directory)
        defer { upstream.stop() }
        let config = directory.appendingPathComponent("stepup.yaml")
        var text = try String(contentsOf: config, encoding: .utf8)
        for (from, to) in [("  memory_kib: 65536", "  memory_kib: 8192"),
                           ("  routes: []", "  routes: [{host: app.stepup.test, upstream: \"http://127.0.0.1:\(upstreamPort)\"}]")] {
            #expect(text.contains(from), "the stepup init template changed: no '\(from)'")
            text = text.replacingOccurrences(of: from, with: to)
        }
        try text.write(to: config, atomically: true, encoding: .utf8)
        #expect(try await ExternalTool.run(stepup, ["user", "add", "gina", "--config", config.path],
                                           input: Self.password + "\n").status == 0)
        let server = try await RunningServer.start(arguments: ["--config", config.path])
        let port = try #require(URL(string: server.baseURL)?.port)
        try await withHTTPClient { client in
            let http = HTTP(base: server.baseURL, client: client)
            let login = try await http.send(.POST, "/v1/sessions", json: ["username": "gina", "password": Self.password])
            let token = try #require(login.json?["token"] as? String, "\(login.body)")
            let before = server.peakMemoryMiB ?? 0

            // Up: 200 MB generated piece by piece, hashed as it goes.
            let size = Self.megabytes << 20
            var upload = HTTPClientRequest(url: "http://127.0.0.1:\(port)/upload")
            upload.method = .POST
            upload.headers.add(name: "Host", value: "app.stepup.test")
            upload.headers.add(name: "Authorization", value: "Bearer \(token)")
            upload.headers.add(name: "Content-Type", value: "application/octet-stream")
            let pieces = Pieces(total: size)
            upload.body = .stream(pieces, length: .known(Int64(size)))
            let up = try await client.execute(upload, timeout: .seconds(240))
            let answer = try await up.body.collect(upTo: 1 << 20)
            #expect(up.status.code == 200, "\(String(buffer: answer))")
            let text = String(buffer: answer)
            #expect(text.contains("&quot;body_bytes&quot;: \(size)"), "\(text.prefix(400))")
            #expect(text.contains(pieces.expectedSHA256), "the upstream got exactly the bytes sent")

            // Down: 200 MB streamed back.
            var download = HTTPClientRequest(url: "http://127.0.0.1:\(port)/big?bytes=\(size)")
            download.headers.add(name: "Host", value: "app.stepup.test")
            download.headers.add(name: "Authorization", value: "Bearer \(token)")
            let down = try await client.execute(download, timeout: .seconds(240))
            #expect(down.status.code == 200)
            var received = 0
            for try await chunk in down.body { received += chunk.readableBytes }
            #expect(received == size)

            let peak = server.peakMemoryMiB ?? .infinity
            let limit = max(before, 40) + 60
            #expect(peak < limit, "peak RSS \(peak) MiB after moving 2 × \(Self.megabytes) MB (\(before) MiB before)")
            print("gateway streaming: peak_rss_mib=\(Int(peak)) before_mib=\(Int(before)) bytes_each_way=\(size)")
        }
        #expect(await server.stop() == 0)
    }

    /// Deterministic pieces of `total` bytes (1 MiB each), with the SHA-256 of the whole computed up front.
    struct Pieces: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let total: Int
        static let piece: [UInt8] = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

        var expectedSHA256: String {
            var hash = SHA256()
            var left = total
            while left > 0 {
                let count = Swift.min(left, Self.piece.count)
                hash.update(data: Self.piece[..<count])
                left -= count
            }
            return hash.finalize().map { String(format: "%02x", $0) }.joined()
        }

        struct AsyncIterator: AsyncIteratorProtocol {
            var left: Int
            mutating func next() async -> ByteBuffer? {
                guard left > 0 else { return nil }
                let count = Swift.min(left, Pieces.piece.count)
                left -= count
                return ByteBuffer(bytes: Pieces.piece[..<count])
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(left: total) }
    }

    /// A WebSocket through the gateway: decided at the upgrade, relayed both ways with the user's identity, refused
    /// without a session.
    @Test func webSocketsPassThroughTheGateway() async throws {
        guard let python = ExternalTool.require("python3", package: "python3") else { return }
        guard try await ExternalTool.run(python, ["-c", "import websockets.asyncio.server"]).status == 0 else {
            return ExternalTool.missing("python websockets (pip install websockets)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepup-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stepup = ExternalTool.stepupBinary
        #expect(try await ExternalTool.run(stepup, ["init", "--directory", directory.path]).status == 0)
        let (upstream, upstreamPort) = try await BackgroundProcess.pythonServer(python, script: "ws_upstream.py",
                                                                                in: directory)
        defer { upstream.stop() }
        #expect(upstreamPort > 0, "ws_upstream.py did not start: \(upstream.output)")
        let config = directory.appendingPathComponent("stepup.yaml")
        var text = try String(contentsOf: config, encoding: .utf8)
        for (from, to) in [("  memory_kib: 65536", "  memory_kib: 8192"),
                           ("  routes: []", "  routes: [{host: ws.stepup.test, upstream: \"http://127.0.0.1:\(upstreamPort)\"}]")] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        try text.write(to: config, atomically: true, encoding: .utf8)
        #expect(try await ExternalTool.run(stepup, ["user", "add", "gina", "--config", config.path],
                                           input: Self.password + "\n").status == 0)
        let server = try await RunningServer.start(arguments: ["--config", config.path])
        let port = try #require(URL(string: server.baseURL)?.port)
        let token = try await withHTTPClient { client in
            let login = try await HTTP(base: server.baseURL, client: client)
                .send(.POST, "/v1/sessions", json: ["username": "gina", "password": Self.password])
            return try #require(login.json?["token"] as? String, "\(login.body)")
        }
        let run = try await ExternalTool.run(python, [
            ForwardAuthProxyTests.edge.appendingPathComponent("ws_client.py").path, "\(port)", "ws.stepup.test", token,
        ], timeout: .seconds(60))
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)\nserver:\n\(server.output.suffix(3_000))")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                                  "\(run.stdout)\(run.stderr)")
        #expect(result["text"] as? String == "hello through the gateway")
        #expect(result["binary_ok"] as? Bool == true, "a 1 MiB binary message comes back intact")
        #expect(result["whoami"] as? String == "user=gina", "the upstream sees the signed-in user")
        // Hummingbird answers every refused upgrade with an empty 400.
        #expect(result["anonymous"] as? Int == 400, "no session, no upgrade")
        #expect(await server.stop() == 0)
    }
}
