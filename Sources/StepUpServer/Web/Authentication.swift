import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore
import StepUpOIDC

/// Who sent a request, and with which credential. Established once per request by ``Authenticator`` — through
/// ``AuthenticationMiddleware`` for the router's surfaces, directly for the gateway and its WebSocket upgrades —
/// and read by every handler from the request context.
struct Authentication: Sendable {
    enum Credential: Sendable, Hashable {
        /// `Authorization: Bearer <token>`: API clients, and API clients behind the edge.
        case bearer
        /// StepUp's session cookie: browsers (pages, the demo, the edge).
        case cookie
    }

    let session: Session
    let user: UserRecord
    let credential: Credential

    /// A sign-in still waiting for its step-up: it may complete its challenge or sign out, nothing else.
    var isPending: Bool { session.isPending }
}

/// The one place a request's credential is read and checked. Each surface accepts only its own credentials:
/// the JSON API bearer tokens only (so it needs no CSRF protection), the pages the session cookie only (so a
/// token in a header cannot drive a form), the edge either.
struct Authenticator: Sendable {
    let service: StepUpService
    let accepts: Set<Authentication.Credential>
    /// The edge also accepts the OpenID Provider's JWT access tokens (RFC 9068) as bearer tokens: a valid one
    /// stands for the StepUp session it was issued in (`sid`), which must still be active.
    var accessTokens: OIDCProvider?

    init(service: StepUpService, accepts: Set<Authentication.Credential>, accessTokens: OIDCProvider? = nil) {
        self.service = service
        self.accepts = accepts
        self.accessTokens = accessTokens
    }

    /// The session behind `headers`' credential, pending sign-ins included; `nil` without a valid one.
    func authenticate(_ headers: HTTPFields) async throws -> Authentication? {
        guard let (token, credential) = credential(in: headers) else { return nil }
        if credential == .bearer, let accessTokens, Self.looksLikeJWT(token) {
            return try await authenticate(accessToken: token, provider: accessTokens)
        }
        guard let (session, user) = try await service.authenticate(token: token, allowPending: true) else { return nil }
        return Authentication(session: session, user: user, credential: credential)
    }

    /// A JWT access token's session: signed by a published key, `typ` `at+jwt`, our issuer, unexpired, not
    /// revoked, and issued in a session that is still active (a sign-out or a disabled user ends its tokens too).
    private func authenticate(accessToken: String, provider: OIDCProvider) async throws -> Authentication? {
        guard let claims = try await provider.verifyAccessToken(accessToken), let sid = claims.sid,
              let (session, user) = try await service.authenticate(sessionID: sid),
              session.userID == claims.sub
        else { return nil }
        return Authentication(session: session, user: user, credential: .bearer)
    }

    /// Three base64url parts: a JWT, never a StepUp session token (which has no dots).
    static func looksLikeJWT(_ token: String) -> Bool {
        token.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: ".") ? 1 : 0) } == 2
    }

    /// The credential this surface reads: a bearer token before the session cookie (an API client behind the
    /// edge that also carries a browser's cookie is the API client).
    func credential(in headers: HTTPFields) -> (String, Authentication.Credential)? {
        if accepts.contains(.bearer), let header = headers[.authorization], let token = Self.bearerToken(header) {
            return (token, .bearer)
        }
        guard accepts.contains(.cookie) else { return nil }
        for cookies in headers[values: .cookie] {
            if let token = Self.cookie(WebSupport.sessionCookie, in: cookies) { return (token, .cookie) }
        }
        return nil
    }

    /// The token of `Bearer <token>` (the scheme in any case, spaces around the token ignored).
    static func bearerToken(_ header: String) -> String? {
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count,
              zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        let token = bytes[scheme.count...].drop { $0 == 0x20 }
        let end = token.lastIndex { $0 != 0x20 }.map { $0 + 1 } ?? token.startIndex
        return token.startIndex < end ? String(decoding: bytes[token.startIndex..<end], as: UTF8.self) : nil
    }

    /// The value of cookie `name` in one `Cookie` header (`a=1; b=2`), if present and not empty.
    static func cookie(_ name: String, in header: String) -> String? {
        for pair in header.utf8.split(separator: UInt8(ascii: ";")) {
            let trimmed = pair.drop { $0 == 0x20 }
            guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")),
                  trimmed[..<equals].elementsEqual(name.utf8) else { continue }
            let value = trimmed[trimmed.index(after: equals)...]
            let end = value.lastIndex { $0 != 0x20 }.map { value.index(after: $0) } ?? value.startIndex
            return value.startIndex < end ? String(decoding: value[value.startIndex..<end], as: UTF8.self) : nil
        }
        return nil
    }
}

/// Authenticates every request of the routes it guards, once, before their handlers: the result (or its
/// absence) is in `context.authentication`. It never answers itself — a sign-in page, a token endpoint or a
/// health check must work without a session — so each route states what it needs through the accessors below.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = StepUpRequestContext
    let authenticator: Authenticator

    init(service: StepUpService, accepts: Set<Authentication.Credential>, accessTokens: OIDCProvider? = nil) {
        authenticator = Authenticator(service: service, accepts: accepts, accessTokens: accessTokens)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.authentication = try await authenticator.authenticate(request.headers)
        return try await next(request, context)
    }
}

extension StepUpRequestContext {
    /// The API's session: an active sign-in (or, where `allowPending`, one waiting for its step-up), else a 401.
    func requireSession(allowPending: Bool = false) throws -> (Session, UserRecord) {
        guard let authentication else { throw Problem.unauthenticated }
        if authentication.isPending, !allowPending {
            throw Problem(.unauthorized, type: "sign-in-incomplete", title: "Sign-in not complete",
                          detail: "this sign-in waits for its step-up: complete the challenge in 'step_up' first")
        }
        return (authentication.session, authentication.user)
    }

    /// The signed-in session, or `nil`. A sign-in waiting for its step-up counts only where `allowPending`.
    func signedIn(allowPending: Bool = false) -> (Session, UserRecord)? {
        guard let authentication, allowPending || !authentication.isPending else { return nil }
        return (authentication.session, authentication.user)
    }
}
