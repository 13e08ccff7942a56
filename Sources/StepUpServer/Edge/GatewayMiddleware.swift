import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StepUpCore

/// The built-in gateway: requests for a host and path in `gateway.routes` are decided — the same policy routes,
/// risk, grants and audit as forward auth — and, when allowed, proxied to the route's upstream. StepUp's own
/// routes answer every other request (and every request for `server.public_url`'s host).
///
/// Browsers that must sign in or step up are redirected to StepUp's pages and come back; a form POST that needs
/// a step-up is kept and sent once after the approval (`/.stepup/replay/{challenge}`). API clients get the RFC
/// 9470 challenge and retry with `StepUp-Grant`. With `bind_body`, a route reads JSON and form bodies (bounded)
/// so `bind` covers their fields: a changed body needs a new approval.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = StepUpRequestContext
    let service: StepUpService
    let web: WebSupport
    let routes: [GatewayRoute]
    let forwarder: GatewayForwarder
    let identity: IdentityHeaders
    /// The same credentials as forward auth: a bearer token, else StepUp's session cookie.
    let authenticator: Authenticator
    /// Signs `StepUp-Assertion` for the upstream (`gateway.assertion`).
    let assertions: GatewayAssertions?
    let replays: GatewayReplays
    let maxBody: Int
    let scheme: String
    let ownHost: String?

    static let replayPrefix = "/.stepup/replay/"

    init(service: StepUpService, web: WebSupport, client: GatewayClient, accessTokens: OIDCProvider? = nil) {
        let configuration = service.configuration
        self.service = service
        self.web = web
        routes = configuration.gateway.routes.compactMap(GatewayRoute.init)
        identity = IdentityHeaders(settings: configuration.forwardAuth)
        authenticator = Authenticator(service: service, accepts: [.bearer, .cookie], accessTokens: accessTokens)
        assertions = configuration.gateway.assertion
            ? accessTokens.map { GatewayAssertions(provider: $0, lifetime: configuration.gateway.assertionLifetime) }
            : nil
        forwarder = GatewayForwarder(client: client, timeout: configuration.gateway.timeout, identity: identity)
        replays = GatewayReplays()
        maxBody = configuration.gateway.maxBindBodyBytes
        let publicURL = URL(string: configuration.http.publicURL)
        scheme = publicURL?.scheme ?? "http"
        ownHost = publicURL?.host?.lowercased()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let host = request.head.authority, HostPattern.stripPort(host).lowercased() != ownHost,
              let route = routes.first(where: { $0.host.matches(host) && $0.path.matches(request.uri.path) })
        else { return try await next(request, context) }
        do {
            return try await proxy(request, context, route: route, host: host)
        } catch let problem as Problem {
            return problem.response()
        } catch let error as StepUpError {
            return (error.stepUp.map(Problem.stepUpRequired) ?? Problem(error)).response()
        } catch {
            context.logger.error("gateway error", metadata: ["error": "\(String(reflecting: error))"])
            return Problem.internalError.response()
        }
    }

    private func proxy(_ request: Request, _ context: Context, route: GatewayRoute, host: String) async throws
        -> Response
    {
        let target = request.uri.description
        let original = ForwardedRequest(method: request.method.rawValue, scheme: scheme, host: host, target: target)
        let answer = service.edgeAnswer(request, original: original, nginx: false)
        let authentication = try await authenticator.authenticate(request.headers)
        guard let authentication, !authentication.isPending else { return answer.noSession(authentication) }
        let (session, user) = (authentication.session, authentication.user)
        if request.uri.path.hasPrefix(Self.replayPrefix) {
            return try await replay(request, context, route: route, session: session, user: user, answer: answer)
        }
        var body = GatewayForwarder.Body.stream(request.body, length: request.headers[.contentLength].flatMap(Int.init))
        if !Self.hasBody(request) { body = .none }
        var fields: Attributes = [:]
        if route.bindBody, Self.hasBody(request) {
            let buffer = try await collect(request)
            fields = try GatewayBody.fields(buffer, contentType: request.headers[.contentType])
            body = .buffered(buffer)
        }
        let grant = request.headers[EdgeAnswer.grantHeader]
        // Resolved once: the decision reads it, and the upstream is told its address.
        let client = web.client(request, context: context)
        let (outcome, ladder) = try await decide(method: request.method.rawValue, host: host, target: target,
                                                 fields: fields, grant: grant, session: session, user: user,
                                                 client: client)
        switch outcome.decision.outcome {
        case .allow:
            return try await forward(request.method, target: target, headers: request.headers, body: body, route: route,
                                     host: host, clientIP: client.ip, session: session, user: user, ladder: ladder)
        case .deny:
            throw Problem.forbidden(outcome.decision.reason)
        case .stepUp:
            guard let stepUp = outcome.stepUp else { throw Problem.forbidden(outcome.decision.reason) }
            guard answer.browser, request.method != .get, request.method != .head else { return answer.stepUp(stepUp) }
            // A form the browser posted: keep it, and send it once the step-up is done.
            if case .stream = body { body = .buffered(try await collect(request)) }
            var kept: ByteBuffer?
            if case .buffered(let buffer) = body { kept = buffer }
            replays.keep(.init(sessionID: session.id, method: request.method, target: target, host: host,
                               headers: request.headers, body: kept, expires: stepUp.challenge.expiresAt),
                         challenge: stepUp.challenge.id, now: service.now())
            return answer.redirect(toStepUp: stepUp.challenge.id,
                                   next: "\(scheme)://\(host)\(Self.replayPrefix)\(stepUp.challenge.id)")
        }
    }

    /// `/.stepup/replay/{challenge}?grant=…`: the kept request, decided again with the grant, then sent once.
    private func replay(_ request: Request, _ context: Context, route: GatewayRoute, session: Session,
                        user: UserRecord, answer: EdgeAnswer) async throws -> Response {
        let challenge = String(request.uri.path.dropFirst(Self.replayPrefix.count))
        guard let kept = replays.take(challenge: challenge, sessionID: session.id, now: service.now()) else {
            throw Problem.notFound("a request waiting for step-up '\(challenge.prefix(64))' (it was sent already, "
                + "expired, or belongs to another session): send it again")
        }
        guard let keptRoute = routes.first(where: { $0.host.matches(kept.host) && $0.path.matches(
            String(kept.target.prefix { $0 != "?" })) }) else { throw Problem.notFound("route") }
        var fields: Attributes = [:]
        if keptRoute.bindBody, let body = kept.body {
            fields = try GatewayBody.fields(body, contentType: kept.headers[.contentType])
        }
        let grant = request.uri.queryParameters.get("grant")
        let client = web.client(request, context: context)
        let (outcome, ladder) = try await decide(method: kept.method.rawValue, host: kept.host, target: kept.target,
                                                 fields: fields, grant: grant, session: session, user: user,
                                                 client: client)
        guard outcome.decision.outcome == .allow else {
            throw Problem.forbidden("the approval does not cover this request: \(outcome.decision.reason)")
        }
        return try await forward(kept.method, target: kept.target, headers: kept.headers,
                                 body: kept.body.map { .buffered($0) } ?? .none, route: keptRoute, host: kept.host,
                                 clientIP: client.ip, session: session, user: user, ladder: ladder)
    }

    private func decide(method: String, host: String, target: String, fields: Attributes, grant: String?,
                        session: Session, user: UserRecord, client: ClientInfo) async throws
        -> (DecisionOutcome, LevelLadder)
    {
        let policy = service.policy.current
        var routed = policy.route(method: method, host: host, target: target).request
        routed.context.transaction = fields
        let outcome = try await service.decide(session: session, user: user, request: routed, grantID: grant,
                                               client: client)
        return (outcome, policy.ladder)
    }

    private func forward(_ method: HTTPRequest.Method, target: String, headers: HTTPFields,
                         body: GatewayForwarder.Body, route: GatewayRoute, host: String, clientIP: String,
                         session: Session, user: UserRecord, ladder: LevelLadder) async throws -> Response
    {
        var fields = identity.fields(session: session, user: user, ladder: ladder, now: service.now())
        if let assertions {
            let url = "\(scheme)://\(host)\(target.prefix { $0 != "?" })"
            fields.append((GatewayAssertions.header, try await assertions.sign(
                session: session, user: user, ladder: ladder, method: method.rawValue, url: url,
                audience: route.upstream.origin)))
        }
        return await forwarder.forward(method: method, url: route.upstream.url(for: target), headers: headers,
                                       body: body, host: host, scheme: scheme, clientIP: clientIP, identity: fields)
    }

    /// The whole body, up to `maxBody` bytes (413 beyond: a body the gateway must read is bounded).
    private func collect(_ request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maxBody)
        } catch {
            throw Problem.tooLarge(maxBody)
        }
    }

    private static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength].flatMap(Int.init) { return length > 0 }
        return request.headers[.transferEncoding] != nil
    }
}
