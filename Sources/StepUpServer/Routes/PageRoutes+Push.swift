import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// The step-up page's push approval: "Approve on my phone", the number to pick, and the status the page polls.
extension PageRoutes {
    /// The script, served to anyone (no session read).
    func registerPushAssets(on router: Router<StepUpRequestContext>) {
        router.get("static/push-status.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8",
                                            .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: .init(string: PushStatusScript.javascript)))
        }
    }

    func registerPush(on router: RouterGroup<StepUpRequestContext>) {
        router.post("step-up/:id/push", use: sendPush)
        router.get("step-up/:id/status", use: stepUpStatus)
    }

    @Sendable func sendPush(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await withStepUpForm(request, context) { post in
            let (session, user, id, next) = (post.session, post.user, post.id, post.next)
            do {
                let prompt = try await service.startPushApproval(challengeID: id, session: session, user: user,
                                                                 client: web.client(request, context: context))
                // This browser's claim to the new session token once its prompt is approved (see pushDone).
                let secret = try await service.startPushHandoff(challengeID: id, userID: user.id, prompt: prompt)
                var response = try await renderStepUp(id: id, session: session, user: user, next: next, error: nil,
                                                      status: .ok, prompted: prompt.number)
                response.setCookie(web.cookie(StepUpService.handoffCookie(id), secret,
                                              maxAge: max(60, Int(prompt.expiresAt.timeIntervalSince(service.now())))))
                return response
            } catch let error as StepUpError {
                return try await renderStepUp(id: id, session: session, user: user, next: next, error: error.reason,
                                              status: Problem(error).status)
            }
        }
    }

    /// `{"status": "pending" | "satisfied" | "failed" | "expired", "next": …, "message": …}` for the page's script.
    @Sendable func stepUpStatus(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        guard let (session, _) = browserSession(request, context, allowPending: true),
              let challenge = try await service.challenge(id: context.parameters.get("id") ?? "", for: session)
        else { throw Problem.notFound("challenge") }
        let next = web.returnTarget(request.uri.queryParameters.get("next")) ?? "/account"
        var body = ["status": challenge.status.rawValue, "message": ""]
        switch challenge.status {
        // The page then posts its `push-done` form: a new session token, then the grant (`next`).
        case .satisfied: body["next"] = SafeRedirect.appendingQuery(next, name: "grant", value: challenge.id)
        case .failed: body["message"] = "Refused on your approver. Start the action again."
        case .consumed: body["message"] = "This confirmation is already complete."
        case .pending where challenge.isExpired(at: service.now()):
            body = ["status": "expired", "message": "This confirmation expired. Start the action again."]
        case .pending: break
        }
        var response = try Response.json(body)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
