import AsyncHTTPClient
import NIOCore
import ServiceLifecycle

/// The gateway's HTTP client to upstreams, shut down when the server stops. It never follows redirects (the
/// browser must see them) and never decompresses (bodies pass through byte for byte).
public final class GatewayClient: Service, Sendable {
    let http: HTTPClient

    /// The client for `settings.routes`, or `nil` when there are none (no gateway runs).
    ///
    /// It keeps up to `settings.upstreamConnections` connections per upstream (`gateway.upstream_connections`).
    /// Requests beyond them wait for a free one; AsyncHTTPClient's default of 8 put a busy gateway's requests in
    /// single file, and each then started on another event loop than its own (measured: 400 → 250 µs of CPU per
    /// proxied request at 32 concurrent ones).
    public init?(_ settings: ServerConfiguration.Gateway) {
        guard !settings.routes.isEmpty else { return nil }
        let timeout = settings.timeout
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(Int64(min(timeout, 30))), read: .seconds(Int64(timeout)))
        configuration.decompression = .disabled
        // No tracing spans: StepUp bootstraps no tracer, and building and attributing a no-op span per proxied
        // request was ~2 % of the gateway's CPU.
        configuration.tracing.tracer = nil
        configuration.connectionPool = .init(idleTimeout: .seconds(60),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: settings.upstreamConnections)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await http.shutdown()
    }

    /// For callers that run no service group (tests): shut the client down yourself.
    public func shutdown() async throws { try await http.shutdown() }
}
