import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import StepUpCore

/// Builds the Hummingbird application: JSON API, pages, health, and (with `demo`) the Acme Bank demo.
public enum StepUpApplication {
    /// The router with every StepUp route and middleware.
    /// - Parameter metricsToken: the bearer token `/metrics` requires; `nil` serves no metrics.
    /// - Parameter gateway: the upstream client of the built-in gateway (`gateway.routes`); without one the
    ///   gateway is off.
    /// - Parameter writeProbe: commits a write that changes nothing; `/readyz` fails while it throws.
    /// - Parameter oidc: the OpenID Provider (`/.well-known/openid-configuration`, `/oauth2/*`); off when nil.
    public static func router(service: StepUpService, cookieKey: SymmetricKey, metricsToken: String? = nil,
                              roundTrips: (@Sendable () -> StoreActivity)? = nil, gateway: GatewayClient? = nil,
                              oidc: OIDCProvider? = nil, writeProbe: (@Sendable () async throws -> Void)? = nil) throws
        -> Router<StepUpRequestContext>
    {
        let configuration = service.configuration
        let pages = try PageRenderer()
        let resolver: ClientResolver
        do {
            resolver = try ClientResolver(trustedProxies: configuration.network.trustedProxies,
                                          countryHeader: configuration.network.countryHeader)
        } catch {
            throw StartupError("network.trusted_proxies: \(error)")
        }
        var web = WebSupport(signer: CookieSigner(key: cookieKey), secureCookies: configuration.sessions.secureCookies,
                             pages: pages, clientResolver: resolver)
        web.cookieDomain = configuration.sessions.cookieDomain
        web.returnHosts = (configuration.forwardAuth.hosts + configuration.gateway.routes.map(\.host))
            .compactMap(HostPattern.init)
        let router = Router(context: StepUpRequestContext.self)
        router.middlewares.add(RequestsInFlightMiddleware(counter: .server))
        // Outermost: a request for a gateway host is the application's, never StepUp's (no StepUp headers on it).
        if configuration.gateway.assertion, oidc == nil {
            throw StartupError("gateway.assertion needs the OpenID Provider's signing keys, which this server lacks")
        }
        if let gateway, !configuration.gateway.routes.isEmpty {
            router.middlewares.add(GatewayMiddleware(service: service, web: web, client: gateway,
                                                     accessTokens: oidc))
        }
        router.middlewares.add(SecurityHeadersMiddleware(maxBodyBytes: configuration.http.maxBodyBytes,
                                                         returnHosts: web.returnHosts))
        router.middlewares.add(ErrorMiddleware(pages: pages))
        HealthRoutes(service: service, metricsToken: metricsToken, roundTrips: roundTrips, writeProbe: writeProbe)
            .register(on: router)
        OpenAPIRoutes.register(on: router)
        APIRoutes(service: service, web: web).register(on: router)
        ForwardAuthRoutes(service: service, web: web, settings: configuration.forwardAuth, accessTokens: oidc)
            .register(on: router)
        if let oidc { OIDCRoutes(provider: oidc, web: web).register(on: router) }
        let pageRoutes = PageRoutes(service: service, web: web)
        pageRoutes.register(on: router)
        if configuration.demo {
            DemoBankRoutes(service: service, web: web, pages: pageRoutes).register(on: router)
        }
        return router
    }

    /// The HTTP server: plain HTTP/1, or — with `gateway.routes` — HTTP/1 with WebSocket upgrades the gateway
    /// decides and relays to its upstreams.
    public static func server(service: StepUpService, oidc: OIDCProvider? = nil) throws -> HTTPServerBuilder {
        let configuration = service.configuration
        let deadlines = ConnectionDeadlines.Timeouts(configuration.http)
        let gauge = ConnectionGauge(metrics: service.metrics)
        guard !configuration.gateway.routes.isEmpty else {
            return .http1(configuration: .init(additionalChannelHandlers: [ConnectionDeadlines(deadlines, gauge: gauge)]))
        }
        let resolver = try ClientResolver(trustedProxies: configuration.network.trustedProxies,
                                          countryHeader: configuration.network.countryHeader)
        return GatewayWebSocket(service: service, resolver: resolver, deadlines: deadlines, accessTokens: oidc).server
    }
}
