import AsyncHTTPClient
import NIOCore
import ServiceLifecycle

/// The gateway's HTTP client to upstreams, shut down when the server stops. It never follows redirects (the
/// browser must see them) and never decompresses (bodies pass through byte for byte).
public final class GatewayClient: Service, Sendable {
    let http: HTTPClient

    public init(timeout: Double) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(Int64(min(timeout, 30))), read: .seconds(Int64(timeout)))
        configuration.decompression = .disabled
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await http.shutdown()
    }

    /// For callers that run no service group (tests): shut the client down yourself.
    public func shutdown() async throws { try await http.shutdown() }
}
