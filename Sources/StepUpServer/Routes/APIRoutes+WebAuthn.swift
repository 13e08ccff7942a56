import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// The JSON API's WebAuthn ceremonies: register, step up, sign in with a passkey, rename and remove factors.
extension APIRoutes {
    func registerWebAuthn(on v1: RouterGroup<StepUpRequestContext>) {
        v1.post("factors/webauthn/options", use: webAuthnRegistrationOptions)
        v1.post("factors/webauthn", use: registerPasskey)
        v1.patch("factors/:id", use: renameFactor)
        v1.delete("factors/:id", use: removeFactor)
        v1.post("challenges/:id/webauthn", use: webAuthnStepUpOptions)
        v1.post("sessions/webauthn/options", use: webAuthnSignInOptions)
        v1.post("sessions/webauthn", use: signInWithPasskey)
    }

    struct RegisterBody: Decodable {
        var ceremony: String
        var credential: WebAuthnCredentialJSON
        var name: String?
    }

    struct PasskeySignInBody: Decodable {
        var ceremony: String
        var credential: WebAuthnCredentialJSON
        var deviceID: String?
        var deviceSecret: String?
        var deviceProof: DeviceProofBody?
        enum CodingKeys: String, CodingKey {
            case ceremony, credential, deviceID = "device_id", deviceSecret = "device_secret",
                 deviceProof = "device_proof"
        }
    }

    struct NameBody: Decodable {
        var name: String
    }

    /// Adding a passkey is managing factors: once the user has a second factor the policy decides (403
    /// `step-up-required` with the challenge when the session is not strong or fresh enough).
    private func authorizedFactorChange(_ request: Request, _ context: StepUpRequestContext) async throws
        -> (Session, UserRecord, ClientInfo)
    {
        let (session, user) = try bearer(request, context)
        let client = web.client(request, context: context)
        if let stepUp = try await service.authorizeFactorChange(session: session, user: user, client: client,
                                                                grantID: request.uri.queryParameters.get("grant")) {
            throw StepUpError.stepUpRequired(stepUp)
        }
        return (session, user, client)
    }

    @Sendable func webAuthnRegistrationOptions(_ request: Request, context: StepUpRequestContext) async throws
        -> Response
    {
        let (session, user, _) = try await authorizedFactorChange(request, context)
        return try .json(try await service.webAuthnRegistrationOptions(session: session, user: user))
    }

    @Sendable func registerPasskey(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user, client) = try await authorizedFactorChange(request, context)
        let body = try await request.decodeJSON(RegisterBody.self, context: context)
        let record = try await service.registerWebAuthn(ceremony: body.ceremony, credential: body.credential,
                                                        name: body.name, session: session, user: user, client: client)
        return try .json(FactorView(record), status: .created)
    }

    @Sendable func renameFactor(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (_, user) = try bearer(request, context)
        let body = try await request.decodeJSON(NameBody.self, context: context)
        let id = context.parameters.get("id") ?? ""
        try await service.renameFactor(user: user, factorID: id, name: body.name,
                                       client: web.client(request, context: context))
        return try .json(FactorView(try await service.ownFactor(id, of: user)))
    }

    /// Removing a factor is a sensitive change under the policy (`account.factors.manage`).
    @Sendable func removeFactor(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user, client) = try await authorizedFactorChange(request, context)
        try await service.removeFactor(user: user, factorID: context.parameters.get("id") ?? "", session: session,
                                       client: client)
        return Response(status: .noContent)
    }

    @Sendable func webAuthnStepUpOptions(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, _) = try bearer(request, context, allowPending: true)
        return try .json(try await service.webAuthnStepUpOptions(challengeID: context.parameters.get("id") ?? "",
                                                                 session: session))
    }

    @Sendable func webAuthnSignInOptions(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try .json(try service.webAuthnSignInOptions())
    }

    @Sendable func signInWithPasskey(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(PasskeySignInBody.self, context: context)
        let client = try await signInClient(request, context, deviceID: body.deviceID, deviceSecret: body.deviceSecret,
                                            deviceProof: body.deviceProof)
        return try loginResponse(try await service.signInWithPasskey(ceremony: body.ceremony,
                                                                     credential: body.credential, client: client))
    }
}
