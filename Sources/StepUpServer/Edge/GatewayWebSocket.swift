import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import StepUpCore

/// WebSocket upgrades through the gateway: an upgrade request for a gateway route is decided like any other
/// request (the session from its bearer token or cookie, the policy's route for `GET` on its path); when allowed,
/// StepUp accepts the upgrade, opens a WebSocket to the upstream with its identity headers, and relays messages
/// both ways until either side closes. An upgrade with no session, or one the policy does not allow outright, is
/// refused (Hummingbird answers a refused upgrade with an empty 400): sign in or step up over HTTP first, then
/// connect with the session (and `StepUp-Grant` when the path needs a fresh step-up).
struct GatewayWebSocket: Sendable {
    let service: StepUpService
    let routes: [GatewayRoute]
    let identity: IdentityHeaders
    let resolver: ClientResolver
    let ownHost: String?
    /// The largest message relayed (16 MiB).
    static let maxMessage = 1 << 24

    /// Applied from the first plain HTTP request on (the upgrade negotiation adds no handlers before it).
    let deadlines: ConnectionDeadlines.Timeouts

    /// The OpenID Provider whose JWT access tokens are accepted as bearer tokens, when it runs.
    let accessTokens: OIDCProvider?

    init(service: StepUpService, resolver: ClientResolver, deadlines: ConnectionDeadlines.Timeouts,
         accessTokens: OIDCProvider? = nil) {
        self.accessTokens = accessTokens
        let configuration = service.configuration
        self.service = service
        self.deadlines = deadlines
        self.resolver = resolver
        routes = configuration.gateway.routes.compactMap(GatewayRoute.init)
        identity = IdentityHeaders(settings: configuration.forwardAuth)
        ownHost = URL(string: configuration.http.publicURL)?.host?.lowercased()
    }

    /// The server: HTTP/1 with WebSocket upgrades decided here, every connection held to the deadlines.
    var server: HTTPServerBuilder {
        let deadlines = self.deadlines
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(additionalChannelHandlers: [ConnectionDeadlines(deadlines)]),
            ws: .init(maxFrameSize: Self.maxMessage))
        return HTTPServerBuilder { responder in
            FirstHeadDeadlineChannel(base: HTTP1WebSocketUpgradeChannel(responder: responder,
                                                                        configuration: configuration) { head, channel, logger in
                try await shouldUpgrade(head, peer: channel.remoteAddress?.ipAddress, logger: logger)
            }, timeout: deadlines.header)
        }
    }

    func shouldUpgrade(_ head: HTTPRequest, peer: String?, logger: Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        guard let host = head.authority, HostPattern.stripPort(host).lowercased() != ownHost,
              let target = head.path, target.hasPrefix("/")
        else { return .dontUpgrade }
        let path = String(target.prefix { $0 != "?" })
        guard let route = routes.first(where: { $0.host.matches(host) && $0.path.matches(path) }),
              let authentication = try await Authenticator(service: service, accepts: [.bearer, .cookie], accessTokens: accessTokens)
                  .authenticate(head.headerFields),
              !authentication.isPending
        else { return .dontUpgrade }
        let (session, user) = (authentication.session, authentication.user)
        let policy = service.policy.current
        let routed = policy.route(method: "GET", host: host, target: target).request
        let resolved = resolver.resolve(peer: peer, headers: head.headerFields)
        let client = ClientInfo(ip: resolved.ip, userAgent: head.headerFields[.userAgent].map { String($0.prefix(512)) },
                                country: resolved.country)
        let outcome = try await service.decide(session: session, user: user, request: routed,
                                               grantID: head.headerFields[EdgeAnswer.grantHeader],
                                               client: client)
        guard outcome.decision.outcome == .allow else { return .dontUpgrade }
        var headers = HTTPFields()
        for (name, value) in identity.fields(session: session, user: user, ladder: policy.ladder, now: service.now())
        where !value.isEmpty {
            headers[name] = value
        }
        if let ip = resolved.ip { headers[.xForwardedFor] = ip }
        headers[.xForwardedHost] = host
        let upstreamHeaders = headers
        let upstream = route.upstream.url(for: target).replacingOccurrences(of: "http", with: "ws",
                                                                            options: .anchored)
        return .upgrade([:]) { inbound, outbound, _ in
            var configuration = WebSocketClientConfiguration()
            configuration.additionalHeaders = upstreamHeaders
            configuration.maxFrameSize = Self.maxMessage
            try await WebSocketClient.connect(url: upstream, configuration: configuration, logger: logger) {
                upstreamInbound, upstreamOutbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: Self.maxMessage) {
                            try await upstreamOutbound.write(Self.frame(message))
                        }
                        try? await upstreamOutbound.close(.normalClosure, reason: nil)
                    }
                    group.addTask {
                        for try await message in upstreamInbound.messages(maxSize: Self.maxMessage) {
                            try await outbound.write(Self.frame(message))
                        }
                        try? await outbound.close(.normalClosure, reason: nil)
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    private static func frame(_ message: WebSocketMessage) -> WebSocketOutboundWriter.OutboundFrame {
        switch message {
        case .text(let text): .text(text)
        case .binary(let buffer): .binary(buffer)
        }
    }
}
