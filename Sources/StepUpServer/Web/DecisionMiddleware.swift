import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// What a request asks the policy: the action with its resource and transaction, the grant it presents, and what
/// its surface needs to answer (the original request at the edge, the page to return to in the browser).
struct DecisionQuestion<Detail: Sendable>: Sendable {
    var action: ActionRequest
    var grant: String?
    var detail: Detail
}

/// A surface that guards its routes with a decision: how it reads the question from a request, and how it
/// answers everything but `allow` — a sign-in page or redirect, a denial, a step-up (a page, an RFC 9470
/// challenge, a redirect through the proxy).
protocol DecisionSurface: Sendable {
    associatedtype Detail: Sendable
    /// Throws a ``Problem`` for a request that asks nothing valid.
    func question(_ request: Request, _ context: StepUpRequestContext) async throws -> DecisionQuestion<Detail>
    /// No usable session (none, or a sign-in still waiting for its step-up).
    func signIn(_ question: DecisionQuestion<Detail>, _ context: StepUpRequestContext) async throws -> Response
    func denied(_ outcome: DecisionOutcome, _ question: DecisionQuestion<Detail>, _ context: StepUpRequestContext)
        -> Response
    func stepUp(_ stepUp: StepUpOutcome, _ question: DecisionQuestion<Detail>, _ context: StepUpRequestContext)
        -> Response
}

/// Decides, before the handler runs, whether the signed-in user may do what the request asks: the one decision
/// path (policy, risk, grants, audit) for every surface that guards routes with an action — the demo's pages and
/// forward auth through this middleware, the gateway and `POST /v1/decisions` through the same
/// `StepUpService.decide`. On `allow` the handler runs with the outcome in `context.decision`; anything else is the
/// surface's answer. Runs after ``AuthenticationMiddleware``.
struct DecisionMiddleware<Surface: DecisionSurface>: RouterMiddleware {
    typealias Context = StepUpRequestContext
    let service: StepUpService
    let web: WebSupport
    let surface: Surface

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let question = try await surface.question(request, context)
        guard let (session, user) = context.signedIn() else { return try await surface.signIn(question, context) }
        let outcome = try await service.decide(question.action, grant: question.grant, session: session, user: user,
                                               request, context, web: web)
        switch outcome.decision.outcome {
        case .allow:
            var context = context
            context.decision = outcome
            return try await next(request, context)
        case .deny:
            return surface.denied(outcome, question, context)
        case .stepUp:
            guard let stepUp = outcome.stepUp else { return surface.denied(outcome, question, context) }
            return surface.stepUp(stepUp, question, context)
        }
    }
}

extension StepUpService {
    /// The decision of a routed request, with the client every surface resolves the same way (trusted proxies,
    /// GeoIP, the session's proven device).
    func decide(_ action: ActionRequest, grant: String?, session: Session, user: UserRecord, explain: Bool = false,
                _ request: Request, _ context: StepUpRequestContext, web: WebSupport) async throws -> DecisionOutcome {
        try await decide(session: session, user: user, request: action, grantID: grant,
                         client: web.client(request, context: context), explain: explain)
    }
}

extension DecisionQuestion where Detail == Void {
    init(action: ActionRequest, grant: String?) {
        self.init(action: action, grant: grant, detail: ())
    }
}

/// Pages guarded by one action (the demo's): the grant comes back in the query after a step-up; a browser without
/// a session goes to sign in (or to the step-up its sign-in waits for), a step-up to its page and back here.
struct PageDecisionSurface: DecisionSurface {
    let action: String
    let pages: PageRoutes
    /// Where the message pages link back to, and the link's text.
    let home: String
    let homeText: String

    func question(_ request: Request, _ context: StepUpRequestContext) async throws -> DecisionQuestion<String> {
        DecisionQuestion(action: ActionRequest(action: action), grant: request.uri.queryParameters.get("grant"),
                         detail: request.uri.path)
    }

    func signIn(_ question: DecisionQuestion<String>, _ context: StepUpRequestContext) async throws -> Response {
        pages.toLogin(path: question.detail, context)
    }

    func denied(_ outcome: DecisionOutcome, _ question: DecisionQuestion<String>, _ context: StepUpRequestContext)
        -> Response
    {
        let user = context.authentication?.user.username
        return pages.web.pages.html("message", title: "Not allowed",
                                    ["heading": "Not allowed", "text": outcome.decision.reason, "link": home,
                                     "linkText": homeText],
                                    status: .forbidden, user: user, csrf: context.authentication.map {
                                        pages.csrf($0.session)
                                    })
    }

    func stepUp(_ stepUp: StepUpOutcome, _ question: DecisionQuestion<String>, _ context: StepUpRequestContext)
        -> Response
    {
        WebSupport.redirect(SafeRedirect.appendingQuery("/step-up/\(stepUp.challenge.id)", name: "next",
                                                        value: question.detail))
    }
}
