import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small JSON client over AsyncHTTPClient for the end-to-end tests.
struct HTTP: Sendable {
    let base: String
    let client: HTTPClient

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil,
              rawBody: String? = nil, contentType: String = "application/json",
              headers: [String: String] = [:]) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json))))
        } else if let rawBody {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: rawBody))
        }
        // Generous: at the start of a full run every suite starts servers and hashes passwords at once.
        let response = try await client.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }
}

/// Runs `body` with an HTTP client that is shut down however `body` ends (a client dropped without shutdown
/// stops the whole test process).
/// - Parameter idleTimeout: how long the client keeps an idle pooled connection; under a server's own idle
///   timeout, or the server may close one just as the client reuses it ("I/O on closed channel").
func withHTTPClient<T>(idleTimeout: TimeAmount? = nil, _ body: (HTTPClient) async throws -> T) async throws -> T {
    var configuration = HTTPClient.Configuration()
    if let idleTimeout { configuration.connectionPool = .init(idleTimeout: idleTimeout) }
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
