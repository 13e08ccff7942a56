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
        let browser = request.headers[.accept]?.contains("text/html") ?? false
        let answer = Answer(original: original, browser: browser, nginx: nginx,
                            publicURL: service.configuration.http.publicURL.trimmingSuffix("/"))
        guard let (token, fromCookie) = credential(request),
              let (session, user) = try await service.authenticate(token: token, allowPending: true)
        else { return answer.signIn() }
        if let pending = session.pendingChallengeID {
            return fromCookie ? answer.redirect(toStepUp: pending) : answer.signIn()
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

    /// The session token: the original request's bearer token, else StepUp's session cookie.
    private func credential(_ request: Request) -> (String, fromCookie: Bool)? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return (String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), false)
        }
        guard let cookie = request.cookies[WebSupport.sessionCookie]?.value, !cookie.isEmpty else { return nil }
        return (cookie, true)
    }

    /// 200 with who the user is and how strongly and recently they proved it, for the proxy to pass on. Every
    /// header is present, empty when there is nothing to say: a proxy that copies an absent header may pass on a
    /// client's own copy, or (Caddy 2.6) a placeholder.
    private func identity(session: Session, user: UserRecord, ladder: LevelLadder) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        func set(_ name: String, _ value: String?) {
            if let field = HTTPField.Name(name) { headers[field] = value ?? "" }
        }
        let level = session.effectiveLevel(in: ladder, at: service.now())
        set(settings.userHeader, user.username)
        set(settings.groupsHeader, user.roles.joined(separator: ","))
        set(settings.nameHeader, user.displayName)
        set(settings.emailHeader, user.username.contains("@") ? user.username : nil)
        set(settings.levelHeader, level?.name)
        set(settings.acrHeader, level?.acr)
        set(settings.authTimeHeader, session.events.map(\.at).max().map { String(Int($0.timeIntervalSince1970)) })
        return Response(status: .ok, headers: headers)
    }
}

/// The non-allow answers of forward auth, shaped for the proxy and the client.
private struct Answer {
    let original: ForwardedRequest
    let browser: Bool
    let nginx: Bool
    let publicURL: String

    func signIn() -> Response {
        guard browser else {
            return problem(.unauthorized, type: "unauthenticated", title: "Not signed in",
                           detail: "send a StepUp session token as 'Authorization: Bearer <token>'",
                           authenticate: "Bearer realm=\"stepup\"")
        }
        return redirect(SafeRedirect.appendingQuery(publicURL + "/login", name: "next", value: original.url))
    }

    func redirect(toStepUp id: String) -> Response {
        redirect(SafeRedirect.appendingQuery(publicURL + "/step-up/" + id, name: "next", value: original.url))
    }

    func stepUp(_ stepUp: StepUpOutcome) -> Response {
        guard browser else {
            var header = "Bearer error=\"insufficient_user_authentication\", "
                + "error_description=\"A stronger or more recent authentication is required\""
            if let acr = stepUp.acr { header += ", acr_values=\"\(acr)\"" }
            if let maxAge = stepUp.challenge.requirement.maxAge { header += ", max_age=\(Int(maxAge))" }
            return problem(.unauthorized, type: "step-up-required", title: "Step-up required",
                           challenge: stepUp.challenge.id,
                           detail: "confirm with a second factor at \(stepUp.challenge.id) (POST /v1/challenges/"
                               + "\(stepUp.challenge.id)/verify), then retry with the header 'StepUp-Grant: "
                               + "\(stepUp.challenge.id)'",
                           authenticate: header,
                           extra: ["challenge_id": .string(stepUp.challenge.id),
                                   "level": .string(stepUp.challenge.requirement.level),
                                   "challenge_url": .string("/v1/challenges/\(stepUp.challenge.id)")])
        }
        var response = redirect(toStepUp: stepUp.challenge.id)
        response.headers[Self.challengeHeader] = stepUp.challenge.id
        return response
    }

    /// The challenge to complete, for clients behind a proxy that keeps only headers (nginx's `auth_request`).
    static let challengeHeader = HTTPField.Name("StepUp-Challenge")!

    /// A 302 for Caddy and Traefik; a 401 carrying the target in `Location` for nginx (see ``ForwardAuthRoutes``).
    private func redirect(_ location: String) -> Response {
        Response(status: nginx ? .unauthorized : .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    private func problem(_ status: HTTPResponse.Status, type: String, title: String, challenge: String? = nil,
                         detail: String, authenticate: String, extra: [String: Problem.Member] = [:]) -> Response {
        var headers: HTTPFields = [.wwwAuthenticate: authenticate]
        if let challenge { headers[Self.challengeHeader] = challenge }
        return Problem(status, type: type, title: title, detail: detail, extra: extra, headers: headers).response()
    }
}
