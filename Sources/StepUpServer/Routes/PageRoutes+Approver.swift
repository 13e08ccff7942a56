import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import StepUpCore

/// The browser as an approver: enrolment from the account page, the approver page fed by server-sent events, its
/// scripts, and the step-up page's hand-over once the approver said yes (a new session token, like every other
/// authentication on the pages).
extension PageRoutes {
    /// The scripts, served to anyone (no session read).
    func registerApproverAssets(on router: Router<StepUpRequestContext>) {
        router.get("static/approver.js") { _, _ in
            Self.script(ApproverScript.javascript, cache: "max-age=3600")
        }
        // Served under /static but controls /approve: the header widens the worker's allowed scope.
        router.get("static/approver-sw.js") { _, _ in
            var response = Self.script(ApproverServiceWorker.javascript, cache: "no-cache")
            response.headers[HTTPField.Name("Service-Worker-Allowed")!] = "/approve"
            return response
        }
    }

    static func script(_ text: String, cache: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: cache],
                 body: .init(byteBuffer: .init(string: text)))
    }

    func registerApprover(on router: RouterGroup<StepUpRequestContext>) {
        router.post("account/approvers", use: enrollApprover)
        router.get("approve", use: approverPage)
        router.get("approve/events", use: approverEvents)
        router.post("step-up/:id/push/done", use: pushDone)
    }

    /// "Approve step-ups on this device": the form the script filled (device key, proof, subscription if any).
    @Sendable func enrollApprover(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, form in
            let client = web.client(request, context: context)
            if let stepUp = try await stepUpBeforeFactorChange(session, user, client) { return stepUp }
            return try await orAccountWithError(session, user) {
                var subscription: PushSubscription?
                if let text = form["subscription"], !text.isEmpty {
                    guard text.utf8.count <= 4_096,
                          let body = try? JSONDecoder().decode(APIRoutes.ApproverBody.Subscription.self,
                                                               from: Data(text.utf8))
                    else { throw StepUpError.invalidRequest("the push subscription is not valid JSON") }
                    subscription = PushSubscription(endpoint: body.endpoint, p256dh: body.keys.p256dh,
                                                    auth: body.keys.auth)
                }
                _ = try await service.enrollApprover(user: user, ApproverRegistration(
                    name: form["name"] ?? "", subscription: subscription, deviceKey: form["device_key"] ?? "",
                    proof: form["proof"] ?? ""), client: client)
                return WebSupport.redirect("/account?notice=approver")
            }
        }
    }

    @Sendable func approverPage(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        guard let (session, user) = browserSession(request, context) else { return toLogin(request, context) }
        return web.pages.html("approve", title: "Approve", ["username": user.username], user: user.username,
                              csrf: csrf(session))
    }

    /// `text/event-stream` for the signed-in user's approver page: an `approvals` event whenever the list of
    /// pending approvals changes (and on connect), a comment every 15 s as heartbeat, `end` when the session is
    /// signed out or expires. A stream lasts at most 5 minutes (the browser reconnects by itself), so no
    /// connection outlives a graceful shutdown by long.
    @Sendable func approverEvents(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        guard let (session, user) = browserSession(request, context) else {
            return Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: .init(string: "sign in to listen for approvals\n")))
        }
        let push = service.configuration.push
        guard let ticket = await approverStreams.open(userID: user.id, perUser: push.eventStreamsPerUser,
                                                      total: push.eventStreams)
        else { throw StepUpError.rateLimited("too many open approver pages", retryAfter: 30) }
        let service = self.service
        let streams = approverStreams
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                      HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                do {
                    try await Self.stream(to: &writer, sessionID: session.id, userID: user.id, service: service,
                                          lifetime: streams.lifetime)
                } catch {
                    // The browser went away: nothing to tell it.
                }
                await streams.close(ticket)
                try? await writer.finish(nil)
            })
    }

    private static func stream(to writer: inout any ResponseBodyWriter, sessionID: String, userID: String,
                               service: StepUpService, lifetime: Duration) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        var lastWrite = started
        var sent: String?
        try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
        while !Task.isCancelled, !Task.isShuttingDownGracefully, clock.now - started < lifetime {
            guard try await service.authenticate(sessionID: sessionID)?.session.userID == userID else {
                try await writer.write(ByteBuffer(string: "event: end\ndata: {\"reason\":\"signed-out\"}\n\n"))
                return
            }
            let update = ApproverUpdate(approvals: try await service.pendingApprovals(userID: userID),
                                approvers: try await service.approverKeys(userID: userID))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = String(decoding: try encoder.encode(update), as: UTF8.self)
            if json != sent {
                try await writer.write(ByteBuffer(string: "event: approvals\ndata: \(json)\n\n"))
                sent = json
                lastWrite = clock.now
            } else if clock.now - lastWrite >= .seconds(15) {
                try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                lastWrite = clock.now
            }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// The step-up page's script posts this once the status says `satisfied`: the session gets a new token (the
    /// old one stops working) and the browser follows the grant. Only the browser whose prompt was approved (its
    /// hand-over cookie), once (``StepUpService/finishPushHandoff(_:secret:)``).
    @Sendable func pushDone(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await withStepUpForm(request, context) { post in
            let (session, user, id, next) = (post.session, post.user, post.id, post.next)
            let cookie = StepUpService.handoffCookie(id)
            guard let challenge = try await service.challenge(id: id, for: session),
                  try await service.finishPushHandoff(challenge, secret: request.cookies[cookie]?.value ?? "")
            else {
                return try await renderStepUp(id: id, session: session, user: user, next: next,
                                              error: "This approval is not complete, or it was already used.",
                                              status: .conflict)
            }
            let token = try await service.rotateToken(session: session)
            return WebSupport.redirect(SafeRedirect.appendingQuery(next, name: "grant", value: challenge.id),
                                       cookies: [web.cookie(WebSupport.sessionCookie, token, maxAge: nil),
                                                 web.expiredCookie(cookie)])
        }
    }
}

/// One `approvals` event: the pending approvals, and the user's approvers by device key (the page finds its own).
struct ApproverUpdate: Encodable {
    var approvals: [PendingApproval]
    var approvers: [String: String]
}
