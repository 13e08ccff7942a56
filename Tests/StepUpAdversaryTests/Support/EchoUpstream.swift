import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore

/// An application behind the gateway, on a real socket: every request is answered with what arrived — method,
/// path, headers (lower-cased) and the body's size and SHA-256 (and the body itself when small). `…/slow` answers
/// after 3 s; `…/short` announces 100 bytes and sends 10 (a broken application).
enum EchoUpstream {
    struct Echo: Codable {
        var method: String
        var path: String
        var headers: [String: String]
        var bodyBytes: Int
        var bodySHA256: String
        var body: String?
    }

    struct EchoMiddleware: RouterMiddleware {
        typealias Context = BasicRequestContext
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
            async throws -> Response
        {
            if request.uri.path.hasSuffix("/slow") { try await Task.sleep(for: .seconds(3)) }
            if request.uri.path.hasSuffix("/short") {
                return Response(status: .ok, headers: [.contentLength: "100"],
                                body: .init(byteBuffer: ByteBuffer(string: "0123456789")))
            }
            var hash = SHA256()
            var count = 0
            var small = ByteBuffer()
            for try await chunk in request.body {
                hash.update(data: Data(chunk.readableBytesView))
                count += chunk.readableBytes
                if small.readableBytes < 65_536 { small.writeImmutableBuffer(chunk) }
            }
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            // HTTP/1's Host header arrives as the request's authority.
            if let authority = request.head.authority { headers["host"] = authority }
            let echo = Echo(method: request.method.rawValue, path: request.uri.description, headers: headers,
                            bodyBytes: count, bodySHA256: hash.finalize().map { String(format: "%02x", $0) }.joined(),
                            body: count <= 65_536 ? String(buffer: small) : nil)
            let data = try JSONEncoder().encode(echo)
            return Response(status: .ok, headers: [.contentType: "application/json", .init("X-Upstream")!: "echo"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// Runs `body` with the echo application listening; its port is passed in.
    static func with<R: Sendable>(_ body: @escaping @Sendable (Int) async throws -> R) async throws -> R {
        let router = Router()
        router.middlewares.add(EchoMiddleware())
        let app = Application(router: router)
        return try await app.test(.live) { client in try await body(client.port ?? 0) }
    }
}
