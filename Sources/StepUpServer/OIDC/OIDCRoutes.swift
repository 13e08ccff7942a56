import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StepUpCore
import StepUpOIDC

/// The OpenID Provider's HTTP surface. Protocol errors are OAuth-shaped (RFC 6749 §5.2 JSON, or a redirect to a
/// verified redirect URI); a request that cannot be trusted gets a readable page.
struct OIDCRoutes: Sendable {
    let provider: OIDCProvider
    let web: WebSupport

    func register(on router: Router<StepUpRequestContext>) {
        typealias Path = ProviderMetadata.Path
        router.get(RouterPath(Path.discovery)) { _, _ in try Response.json(try await provider.discovery()) }
        router.get(RouterPath(Path.jwks)) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=60"],
                     body: .init(byteBuffer: ByteBuffer(string: try await provider.jwks())))
        }
        // The browser's StepUp session (its cookie, read by the one authentication middleware) at the two
        // endpoints a browser visits; every other endpoint authenticates the client or its token instead.
        let browser = router.group()
            .add(middleware: AuthenticationMiddleware(service: provider.service, accepts: [.cookie]))
        browser.get(RouterPath(Path.authorize)) { request, context in
            try await authorize(request, context, query: FormEncoding.parse(request.uri.query ?? ""))
        }
        browser.post(RouterPath(Path.authorize)) { request, context in
            try await authorize(request, context, query: try await form(request, context))
        }
        router.post(RouterPath(Path.token)) { request, context in
            guard let pairs = try await form(request, context) else { return oauthError(OIDCError.invalidRequest(Self.formHint)) }
            do {
                return try Response.json(try await provider.token(form: pairs, authorization: request.headers[.authorization],
                                                                  client: web.client(request, context: context,
                                                                                     readDeviceCookie: false)))
            } catch {
                return oauthError(error)
            }
        }
        router.get(RouterPath(Path.userinfo)) { request, _ in try await userinfo(request) }
        router.post(RouterPath(Path.userinfo)) { request, _ in try await userinfo(request) }
        router.post(RouterPath(Path.introspect)) { request, context in
            guard let pairs = try await form(request, context) else { return oauthError(OIDCError.invalidRequest(Self.formHint)) }
            do {
                return try Response.json(try await provider.introspect(form: pairs,
                                                                       authorization: request.headers[.authorization]))
            } catch {
                return oauthError(error)
            }
        }
        router.post(RouterPath(Path.revoke)) { request, context in
            guard let pairs = try await form(request, context) else { return oauthError(OIDCError.invalidRequest(Self.formHint)) }
            do {
                try await provider.revoke(form: pairs, authorization: request.headers[.authorization],
                                          client: web.client(request, context: context, readDeviceCookie: false))
                return Response(status: .ok, headers: [.cacheControl: "no-store"])
            } catch {
                return oauthError(error)
            }
        }
        browser.get(RouterPath(Path.endSession)) { request, context in try await logout(request, context) }
        router.post(RouterPath(Path.authorizationChallenge)) { request, context in
            guard let pairs = try await form(request, context) else { return oauthError(OIDCError.invalidRequest(Self.formHint)) }
            let bearer = request.headers[.authorization].flatMap(Authenticator.bearerToken)
            do {
                switch try await provider.authorizationChallenge(form: pairs, bearer: bearer,
                                                                 client: web.client(request, context: context)) {
                case .code(let code):
                    return try Response.json(["authorization_code": code])
                case let .insufficient(authSession, challengeID, reason):
                    var body = ["error": "insufficient_authorization", "error_description": reason,
                                "auth_session": authSession]
                    if let challengeID {
                        body["challenge_id"] = challengeID
                        body["challenge_url"] = "/v1/challenges/\(challengeID)"
                    }
                    return try Response.json(body, status: .badRequest)
                }
            } catch {
                return oauthError(error)
            }
        }
    }

    static let formHint = "the body must be application/x-www-form-urlencoded with each parameter once"

    /// The form body, or nil when it is not a well-formed `application/x-www-form-urlencoded` body.
    private func form(_ request: Request, _ context: StepUpRequestContext) async throws -> [(String, String)]? {
        guard let type = request.headers[.contentType]?.lowercased(),
              type.hasPrefix("application/x-www-form-urlencoded") else { return nil }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            return nil
        }
        return FormEncoding.parse(String(buffer: buffer))
    }

    private func authorize(_ request: Request, _ context: StepUpRequestContext, query: [(String, String)]?) async throws
        -> Response
    {
        guard let query else { return errorPage(.untrustedRedirect("the request's parameters are malformed")) }
        let session = context.signedIn()
        let outcome = try await provider.authorize(query: query, session: session,
                                                   client: web.client(request, context: context))
        switch outcome {
        case .redirect(let location):
            // Back from the sign-in or step-up form: a redirect chain that a form started may only lead where the
            // form page's CSP `form-action` allows (StepUp itself), so the way back to the client's own origin is a
            // new navigation from a page of ours. A request that comes straight from the client redirects.
            if query.contains(where: { $0.0 == "resume" }) { return Self.continuePage(location) }
            return WebSupport.redirect(location)
        case .errorPage(let error):
            return errorPage(error)
        case .signIn(let next, let loginHint):
            var target = SafeRedirect.appendingQuery("/login", name: "next", value: next)
            if let loginHint, !loginHint.isEmpty {
                target = SafeRedirect.appendingQuery(target, name: "login_hint", value: String(loginHint.prefix(128)))
            }
            return WebSupport.redirect(target)
        case .stepUp(let challengeID, let next):
            return WebSupport.redirect(SafeRedirect.appendingQuery("/step-up/\(challengeID)", name: "next", value: next))
        }
    }

    /// A page that sends the browser on to `location` (a meta refresh, no script) with a link as a fallback.
    static func continuePage(_ location: String) -> Response {
        let target = location.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            default: String(scalar)
            }
        }.joined()
        let page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=\(target)">
        <title>Returning to the application · StepUp</title><link rel="stylesheet" href="/assets/stepup.css"></head>
        <body><main><section class="card narrow"><h1>Returning to the application</h1>
        <p><a id="continue" href="\(target)">Continue</a></p></section></main></body></html>
        """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                         body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    private func userinfo(_ request: Request) async throws -> Response {
        let bearer = request.headers[.authorization].flatMap(Authenticator.bearerToken)
        guard let claims = try await provider.userinfo(bearer: bearer) else {
            // RFC 6750 §3.1.
            return Response(status: .unauthorized, headers: [
                .wwwAuthenticate: #"Bearer error="invalid_token", error_description="the access token is invalid or expired""#,
                .cacheControl: "no-store",
            ])
        }
        return try Response.json(claims)
    }

    private func logout(_ request: Request, _ context: StepUpRequestContext) async throws -> Response {
        let query = FormEncoding.parse(request.uri.query ?? "") ?? []
        func value(_ name: String) -> String? { query.last { $0.0 == name }?.1 }
        let session = context.signedIn(allowPending: true)
        let result = try await provider.logout(idTokenHint: value("id_token_hint"),
                                               postLogoutRedirectURI: value("post_logout_redirect_uri"),
                                               state: value("state"), session: session?.0,
                                               client: web.client(request, context: context))
        let cookies = result.loggedOut ? [web.expiredCookie(WebSupport.sessionCookie)] : []
        if let redirect = result.redirect { return WebSupport.redirect(redirect, cookies: cookies) }
        var response = web.pages.html("message", title: "Signed out",
                                      ["heading": result.loggedOut ? "You are signed out" : "Nothing to sign out",
                                       "text": result.loggedOut ? "You can close this window."
                                           : "To sign out, use the button on your account page.",
                                       "link": "/account", "linkText": "Your account"])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    private func errorPage(_ error: OIDCError) -> Response {
        web.pages.html("message", title: "Sign-in request refused",
                       ["heading": "This sign-in request cannot be completed",
                        "text": "\(error.reason). Go back to the application and try again; if it keeps happening, "
                            + "tell its operator (error: \(error.error)).",
                        "link": "/account", "linkText": "Your account"],
                       status: .badRequest)
    }

    private func oauthError(_ error: any Error) -> Response {
        let oauth = (error as? OIDCError) ?? .serverError("an unexpected error occurred; try again")
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if oauth.tokenEndpointStatus == 401 { headers[.wwwAuthenticate] = #"Basic realm="stepup""# }
        let body = (try? JSONSerialization.data(withJSONObject: oauth.jsonBody, options: [.sortedKeys])) ?? Data()
        return Response(status: .init(code: oauth.tokenEndpointStatus), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
