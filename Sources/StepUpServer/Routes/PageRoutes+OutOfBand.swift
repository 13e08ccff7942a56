import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// The step-up page's "E-mail me a code" button, and the checks every step-up form post shares.
extension PageRoutes {
    /// A form posted from the step-up page, checked: the browser's session, the fields, the challenge id and where
    /// to go next.
    struct StepUpForm {
        var session: Session
        var user: UserRecord
        var fields: [String: String]
        var id: String
        var next: String
    }

    enum StepUpFormOutcome {
        case form(StepUpForm)
        /// No session (the sign-in page) or a stale CSRF token (the step-up page again, 403).
        case page(Response)
    }

    func stepUpForm(_ request: Request, _ context: StepUpRequestContext) async throws -> StepUpFormOutcome {
        guard let (session, user) = browserSession(request, context, allowPending: true) else {
            return .page(toLogin(request, context))
        }
        let form = try await request.formFields(context: context)
        let id = context.parameters.get("id") ?? ""
        let next = web.returnTarget(form["next"]) ?? "/account"
        guard web.signer.verifyCSRF(form["csrf"], binding: session.id) else {
            return .page(try await renderStepUp(id: id, session: session, user: user, next: next,
                                                error: "The form expired. Please try again.", status: .forbidden))
        }
        return .form(StepUpForm(session: session, user: user, fields: form, id: id, next: next))
    }

    /// Runs `body` with the checked form, or answers with the page ``stepUpForm(_:_:)`` chose.
    func withStepUpForm(_ request: Request, _ context: StepUpRequestContext,
                        _ body: (StepUpForm) async throws -> Response) async throws -> Response {
        switch try await stepUpForm(request, context) {
        case .page(let response): return response
        case .form(let form): return try await body(form)
        }
    }

    @Sendable func sendStepUpCode(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await withStepUpForm(request, context) { post in
            let (session, user, id, next) = (post.session, post.user, post.id, post.next)
            do {
                let sent = try await service.sendChallengeCode(challengeID: id, factor: .emailOTP, session: session,
                                                               user: user, client: web.client(request, context: context))
                let minutes = max(1, Int(sent.expiresAt.timeIntervalSince(service.now()) / 60))
                return try await renderStepUp(id: id, session: session, user: user, next: next, error: nil, status: .ok,
                                              notice: "We sent a code to \(sent.destination). It works for \(minutes) "
                                                  + "minutes, for this confirmation only.")
            } catch let error as StepUpError {
                return try await renderStepUp(id: id, session: session, user: user, next: next, error: error.reason,
                                              status: Problem(error).status)
            }
        }
    }
}
