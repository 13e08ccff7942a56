import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// The JSON API of out-of-band codes: enrolling an e-mail address or a phone number, and sending a code for a
/// challenge.
extension APIRoutes {
    func registerOutOfBand(on v1: RouterGroup<StepUpRequestContext>) {
        v1.post("factors/email", use: startEmail)
        v1.post("factors/email/:id/confirm") { request, context in
            try await confirmCodeFactor(request, context, kind: .emailOTP)
        }
        v1.post("factors/sms", use: startSMS)
        v1.post("factors/sms/:id/confirm") { request, context in
            try await confirmCodeFactor(request, context, kind: .smsOTP)
        }
        v1.post("challenges/:id/codes", use: sendCode)
    }

    struct EmailBody: Decodable {
        var address: String
    }

    struct PhoneBody: Decodable {
        var phone: String
    }

    struct SendCodeBody: Decodable {
        var factor: String
    }

    struct SentCodeView: Encodable {
        var factorID: String
        var destination: String
        var expiresAt: Date
        var confirmURL: String?
        enum CodingKeys: String, CodingKey {
            case factorID = "factor_id", destination, expiresAt = "expires_at", confirmURL = "confirm_url"
        }
    }

    /// Adding a destination, or replacing the current one, is managing factors: the policy decides once the user
    /// has a second factor (403 `step-up-required`).
    private func startCodeFactor(_ factor: FactorKind, destination: (Request) async throws -> String,
                                 _ request: Request, _ context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let client = web.client(request, context: context)
        if let stepUp = try await service.authorizeFactorChange(session: session, user: user, client: client,
                                                                grantID: request.uri.queryParameters.get("grant")) {
            throw StepUpError.stepUpRequired(stepUp)
        }
        let sent = try await service.startCodeEnrollment(factor, user: user, destination: try await destination(request),
                                                         client: client)
        let path = factor == .smsOTP ? "sms" : "email"
        return try .json(SentCodeView(factorID: sent.factorID, destination: sent.destination,
                                      expiresAt: sent.expiresAt,
                                      confirmURL: "/v1/factors/\(path)/\(sent.factorID)/confirm"), status: .created)
    }

    @Sendable func startEmail(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await startCodeFactor(.emailOTP, destination: {
            try await $0.decodeJSON(EmailBody.self, context: context).address
        }, request, context)
    }

    @Sendable func startSMS(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await startCodeFactor(.smsOTP, destination: {
            try await $0.decodeJSON(PhoneBody.self, context: context).phone
        }, request, context)
    }

    /// Confirms an e-mail factor under `/factors/email/…` and an SMS factor under `/factors/sms/…` (each only there).
    func confirmCodeFactor(_ request: Request, _ context: StepUpRequestContext, kind: FactorKind) async throws
        -> Response
    {
        let (_, user) = try bearer(request, context)
        let body = try await request.decodeJSON(CodeBody.self, context: context)
        try await service.confirmCodeEnrollment(user: user, factorID: context.parameters.get("id") ?? "",
                                                kind: kind, code: body.code,
                                                client: web.client(request, context: context))
        return try .json(["status": "active"])
    }

    /// 202: the code is queued in the outbox (sent by the background sender, never inside this request).
    @Sendable func sendCode(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context, allowPending: true)
        let body = try await request.decodeJSON(SendCodeBody.self, context: context)
        let sent = try await service.sendChallengeCode(challengeID: context.parameters.get("id") ?? "",
                                                       factor: FactorKind(body.factor), session: session, user: user,
                                                       client: web.client(request, context: context))
        return try .json(SentCodeView(factorID: sent.factorID, destination: sent.destination,
                                      expiresAt: sent.expiresAt), status: .accepted)
    }
}
