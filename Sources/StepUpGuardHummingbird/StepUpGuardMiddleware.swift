import HTTPTypes
import Hummingbird
import StepUpGuard

/// A request context that can carry the verified token to the handler.
public protocol StepUpGuardContext: RequestContext {
    var verifiedToken: VerifiedToken? { get set }
}

/// Hummingbird middleware: lets a request through only with a StepUp access token that meets `requirement`;
/// otherwise answers 401 (or 403 for a missing scope) with the RFC 6750 / RFC 9470 `WWW-Authenticate` challenge.
///
/// ```swift
/// let verifier = StepUpVerifier(issuer: "https://login.example", audience: "https://api.example")
/// router.group("transfers")
///     .add(middleware: StepUpGuardMiddleware(verifier, requirement: GuardRequirement(acr: "urn:stepup:acr:aal2", maxAge: 300)))
///     .post { request, context in … context.verifiedToken!.sub … }
/// ```
public struct StepUpGuardMiddleware<Context: StepUpGuardContext>: RouterMiddleware {
    let verifier: StepUpVerifier
    let requirement: GuardRequirement

    public init(_ verifier: StepUpVerifier, requirement: GuardRequirement) {
        self.verifier = verifier
        self.requirement = requirement
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        switch await verifier.check(authorization: request.headers[.authorization], requirement: requirement) {
        case .allowed(let token):
            var context = context
            context.verifiedToken = token
            return try await next(request, context)
        case .refused(let challenge):
            return Response(status: .init(code: challenge.status),
                            headers: [.wwwAuthenticate: challenge.headerValue, .cacheControl: "no-store"])
        }
    }
}
