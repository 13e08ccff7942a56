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
    let settings: ServerConfiguration.ForwardAuth

    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]

    func register(on router: Router<StepUpRequestContext>) {
        for method in Self.methods {
            router.on("auth/verify", method: method) { request, context in
                try await verify(request, context, nginx: false)
            }
            router.on("auth/verify/nginx", method: method) { request, context in
                try await verify(request, context, nginx: true)
            }
        }
    }

    func verify(_ request: Request, _ context: StepUpRequestContext, nginx: Bool) async throws -> Response {
        guard let peer = context.peerIP, web.clientResolver.isTrusted(peer: peer) else {
            throw Problem(.forbidden, type: "untrusted-proxy", title: "Not a trusted proxy",
                          detail: "forward auth answers only the proxies listed in network.trusted_proxies")
        }
        guard let original = ForwardedRequest(request.headers) else {
            throw Problem.badRequest("forward auth needs the original request: X-Original-URL and X-Original-Method "
                + "(nginx), or X-Forwarded-Method, -Proto, -Host and -Uri (Caddy, Traefik)")
        }
        let session: Session, user: UserRecord, answer: EdgeAnswer
        switch try await service.edgeSession(request, web: web, original: original, nginx: nginx) {
        case .success(let found): (session, user, answer) = found
        case .failure(let redirect): return redirect.response
        }
        let policy = service.policy.current
        let routed = policy.route(method: original.method, host: original.host, target: original.target).request
        let grant = request.headers[HTTPField.Name("StepUp-Grant")!]
            ?? Policy.split(original.target).query.first { $0.name == "grant" }?.value
        let outcome = try await service.decide(session: session, user: user, request: routed, grantID: grant,
                                               client: web.client(request, context: context))
        switch outcome.decision.outcome {
        case .allow:
            return identity(session: session, user: user, ladder: policy.ladder)
        case .deny:
            throw Problem.forbidden(outcome.decision.reason)
        case .stepUp:
            guard let stepUp = outcome.stepUp else { throw Problem.forbidden(outcome.decision.reason) }
            return answer.stepUp(stepUp)
        }
    }

    /// 200 with who the user is and how strongly and recently they proved it, for the proxy to pass on.
    private func identity(session: Session, user: UserRecord, ladder: LevelLadder) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        for (name, value) in IdentityHeaders(settings: settings).fields(session: session, user: user, ladder: ladder,
                                                                        now: service.now()) {
            headers[name] = value
        }
        return Response(status: .ok, headers: headers)
    }
}
