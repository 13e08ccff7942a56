import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// Forward auth: a reverse proxy asks, before every request it forwards, whether StepUp lets it through.
///
/// - `/auth/verify` for Caddy `forward_auth` and Traefik `ForwardAuth`: they hand any non-2xx answer to the client,
///   so a browser that must sign in or step up gets a 302 to StepUp's page, which returns to the original URL.
/// - `/auth/verify/nginx` for nginx `auth_request`, which only understands 2xx, 401 and 403: the same answers, with
///   the redirect carried as a 401 whose `Location` the nginx configuration turns into a 302.
///
/// The original request is read from the proxy's headers (``ForwardedRequest``), mapped to an action by the
/// policy's `routes:`, and decided by the same path as `POST /v1/decisions` (policy, risk, grants, audit). On
/// `allow` the answer carries identity headers for the application; API clients (no `text/html` in `Accept`) get
/// 401 with an RFC 9470 `WWW-Authenticate` challenge instead of redirects. Only trusted proxies are answered.
struct ForwardAuthRoutes: Sendable {
    let service: StepUpService
    let web: WebSupport
    let identity: IdentityHeaders
    /// The OpenID Provider whose JWT access tokens are accepted as bearer tokens, when it runs.
    let accessTokens: OIDCProvider?

    init(service: StepUpService, web: WebSupport, settings: ServerConfiguration.ForwardAuth,
         accessTokens: OIDCProvider? = nil) {
        self.service = service
        self.web = web
        identity = IdentityHeaders(settings: settings)
        self.accessTokens = accessTokens
    }

    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]

    func register(on router: Router<StepUpRequestContext>) {
        for (path, nginx) in [("auth/verify", false), ("auth/verify/nginx", true)] {
            let group = router.group(RouterPath(path))
                .add(middleware: TrustedProxyMiddleware(web: web))
                .add(middleware: AuthenticationMiddleware(service: service, accepts: [.bearer, .cookie],
                                                          accessTokens: accessTokens))
                .add(middleware: DecisionMiddleware(service: service, web: web,
                                                    surface: ForwardAuthSurface(service: service, nginx: nginx)))
            for method in Self.methods {
                group.on("", method: method) { _, context in
                    let (session, user) = try context.requireSession()
                    return allowed(session: session, user: user, ladder: service.policy.current.ladder)
                }
            }
        }
    }

    /// 200 with who the user is and how strongly and recently they proved it, for the proxy to pass on.
    private func allowed(session: Session, user: UserRecord, ladder: LevelLadder) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        for (name, value) in identity.fields(session: session, user: user, ladder: ladder, now: service.now()) {
            headers[name] = value
        }
        return Response(status: .ok, headers: headers)
    }
}

/// Forward auth answers only the proxies listed in `network.trusted_proxies`: anyone else could name any original
/// request in its headers.
struct TrustedProxyMiddleware: RouterMiddleware {
    typealias Context = StepUpRequestContext
    let web: WebSupport

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let peer = context.peerIP, web.clientResolver.isTrusted(peer: peer) else {
            throw Problem(.forbidden, type: "untrusted-proxy", title: "Not a trusted proxy",
                          detail: "forward auth answers only the proxies listed in network.trusted_proxies")
        }
        return try await next(request, context)
    }
}

/// The question forward auth asks: the original request (from the proxy's headers) mapped to an action by the
/// policy's `routes:`, with the grant in `StepUp-Grant` or the original URL's `grant` parameter; the answers are
/// shaped for the proxy (``EdgeAnswer``).
struct ForwardAuthSurface: DecisionSurface {
    let service: StepUpService
    let nginx: Bool

    func question(_ request: Request, _ context: StepUpRequestContext) async throws -> DecisionQuestion<EdgeAnswer> {
        guard let original = ForwardedRequest(request.headers) else {
            throw Problem.badRequest("forward auth needs the original request: X-Original-URL and X-Original-Method "
                + "(nginx), or X-Forwarded-Method, -Proto, -Host and -Uri (Caddy, Traefik)")
        }
        let answer = service.edgeAnswer(request, original: original, nginx: nginx)
        let routed = service.policy.current.route(method: original.method, host: original.host,
                                                  target: original.target).request
        let grant = request.headers[EdgeAnswer.grantHeader]
            ?? Policy.split(original.target).query.first { $0.name == "grant" }?.value
        return DecisionQuestion(action: routed, grant: grant, detail: answer)
    }

    func signIn(_ question: DecisionQuestion<EdgeAnswer>, _ context: StepUpRequestContext) async throws -> Response {
        question.detail.noSession(context.authentication)
    }

    func denied(_ outcome: DecisionOutcome, _ question: DecisionQuestion<EdgeAnswer>,
                _ context: StepUpRequestContext) -> Response
    {
        Problem.forbidden(outcome.decision.reason).response()
    }

    func stepUp(_ stepUp: StepUpOutcome, _ question: DecisionQuestion<EdgeAnswer>,
                _ context: StepUpRequestContext) -> Response
    {
        question.detail.stepUp(stepUp)
    }
}
