import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// The JSON API of push approval: enrolling an approver, prompting it, and its signed answers.
extension APIRoutes {
    func registerPush(on v1: RouterGroup<StepUpRequestContext>) {
        v1.get("push/vapid-key", use: vapidKey)
        v1.post("factors/push", use: enrollApprover)
        v1.post("challenges/:id/push", use: startPush)
        v1.post("push/answers", use: answerPush)
    }

    struct ApproverBody: Decodable {
        struct Subscription: Decodable {
            struct Keys: Decodable {
                var p256dh: String
                var auth: String
            }
            var endpoint: String
            var keys: Keys
        }
        var name: String
        /// The browser's `PushSubscription.toJSON()`.
        var subscription: Subscription
        var deviceKey: String
        var proof: String
        enum CodingKeys: String, CodingKey { case name, subscription, deviceKey = "device_key", proof }
    }

    struct AnswerBody: Decodable {
        var factorID: String
        var challengeID: String
        var number: String
        var decision: String
        var signature: String
        enum CodingKeys: String, CodingKey {
            case factorID = "factor_id", challengeID = "challenge_id", number, decision, signature
        }
    }

    /// The `applicationServerKey` browsers subscribe with; 404 when Web Push is off.
    @Sendable func vapidKey(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        guard service.configuration.push.channel == .webpush, let key = service.vapidPublicKey else {
            throw Problem.notFound("the VAPID key (Web Push is off: push.channel is not webpush)")
        }
        return try .json(["public_key": key])
    }

    @Sendable func enrollApprover(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let client = web.client(request, context: context)
        if let stepUp = try await service.authorizeFactorChange(session: session, user: user, client: client,
                                                                grantID: request.uri.queryParameters.get("grant")) {
            throw StepUpError.stepUpRequired(stepUp)
        }
        let body = try await request.decodeJSON(ApproverBody.self, context: context)
        let record = try await service.enrollApprover(user: user, ApproverRegistration(
            name: body.name, subscription: PushSubscription(endpoint: body.subscription.endpoint,
                                                            p256dh: body.subscription.keys.p256dh,
                                                            auth: body.subscription.keys.auth),
            deviceKey: body.deviceKey, proof: body.proof), client: client)
        return try .json(FactorView(record), status: .created)
    }

    /// 202: the notifications are queued; the answer carries the number the user must pick on the approver.
    @Sendable func startPush(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let prompt = try await service.startPushApproval(challengeID: context.parameters.get("id") ?? "",
                                                         session: session, user: user,
                                                         client: web.client(request, context: context))
        struct Started: Encodable {
            var number: String
            var expiresAt: Date
            var approvers: Int
            enum CodingKeys: String, CodingKey { case number, expiresAt = "expires_at", approvers }
        }
        return try .json(Started(number: prompt.number, expiresAt: prompt.expiresAt, approvers: prompt.approvers),
                         status: .accepted)
    }

    /// No bearer token: the device key's signature is the credential.
    @Sendable func answerPush(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(AnswerBody.self, context: context)
        guard let decision = PushDecision(rawValue: body.decision) else {
            throw StepUpError.invalidRequest("decision must be approve or deny")
        }
        let challenge = try await service.answerPush(
            PushAnswer(factorID: body.factorID, challengeID: body.challengeID, number: body.number,
                       decision: decision, signature: body.signature),
            client: web.client(request, context: context))
        return try .json(["status": challenge.status.rawValue])
    }
}
