import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// The JSON API under `/v1`. API clients authenticate with `Authorization: Bearer <token>` only (no cookies),
/// so the API needs no CSRF protection.
struct APIRoutes: Sendable {
    let service: StepUpService
    let web: WebSupport

    func register(on router: Router<StepUpRequestContext>) {
        let v1 = router.group("v1").add(middleware: AuthenticationMiddleware(service: service, accepts: [.bearer]))
        v1.post("sessions", use: login)
        v1.get("sessions/current", use: currentSession)
        v1.delete("sessions/current", use: logout)
        v1.post("decisions", use: decide)
        v1.get("challenges/:id", use: getChallenge)
        v1.post("challenges/:id/verify", use: verify)
        v1.get("factors", use: listFactors)
        v1.post("factors/totp", use: startTOTP)
        v1.post("factors/totp/:id/confirm", use: confirmTOTP)
        v1.post("factors/recovery-codes", use: recoveryCodes)
        v1.post("admin/policy/reload", use: reloadPolicy)
        v1.get("devices/nonce", use: deviceNonce)
        v1.get("devices", use: listDevices)
        v1.post("devices/current/trust", use: trustDevice)
        v1.delete("devices/:id", use: revokeDevice)
        registerWebAuthn(on: v1)
        registerOutOfBand(on: v1)
        registerPush(on: v1)
    }

    @Sendable func login(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(LoginBody.self, context: context)
        let client = try await signInClient(request, context, deviceID: body.deviceID, deviceSecret: body.deviceSecret,
                                            deviceProof: body.deviceProof)
        let result = try await service.login(LoginAttempt(username: body.username, password: body.password,
                                                          otp: body.otp), client: client)
        return try loginResponse(result)
    }

    /// A sign-in's answer (password or passkey): 201 with the token, and the step-up when the policy asked for one.
    func loginResponse(_ result: LoginResult) throws -> Response {
        let ladder = service.policy.current.ladder
        struct LoginView: Encodable {
            var token: String
            var tokenType = "Bearer"
            var session: SessionView
            var stepUp: ChallengeView?
            /// Why the sign-in must be completed: the reason and the risk band and signal names.
            var reason: String?
            var risk: DecisionView.RiskView?
            var deviceSecret: String?
            enum CodingKeys: String, CodingKey {
                case token, tokenType = "token_type", session, stepUp = "step_up", reason, risk,
                     deviceSecret = "device_secret"
            }
        }
        let view = LoginView(token: result.token,
                             session: SessionView(session: result.session, user: result.user, ladder: ladder,
                                                  now: service.now()),
                             stepUp: result.stepUp.map { ChallengeView($0, ladder: ladder) },
                             reason: result.decision?.reason,
                             risk: result.decision.map { DecisionView.RiskView($0.risk, full: false) },
                             deviceSecret: result.deviceSecret)
        return try .json(view, status: .created)
    }

    /// The client of an API sign-in. The API never reads cookies: a device is what the body proves, nothing it names.
    func signInClient(_ request: Request, _ context: StepUpRequestContext, deviceID: String?, deviceSecret: String?,
                      deviceProof: DeviceProofBody?) async throws -> ClientInfo {
        var client = web.client(request, context: context, readDeviceCookie: false)
        client.deviceLabel = deviceID.map { String($0.prefix(64)) }
        if let secret = deviceSecret {
            guard DeviceIdentity.isWellFormed(secret) else {
                throw Problem.invalidBody("'device_secret' must be the value StepUp returned at an earlier sign-in")
            }
            client.deviceID = DeviceIdentity.id(secret: secret)
        }
        if let proof = deviceProof {
            client.deviceID = try await provenDevice(proof)
        }
        return client
    }

    @Sendable func currentSession(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context, allowPending: true)
        return try .json(SessionView(session: session, user: user, ladder: service.policy.current.ladder,
                                     now: service.now()))
    }

    @Sendable func logout(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, _) = try bearer(request, context, allowPending: true)
        try await service.logout(session: session, client: web.client(request, context: context))
        return Response(status: .noContent)
    }

    @Sendable func decide(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context)
        let body = try await request.decodeJSON(DecisionBody.self, context: context)
        guard ActionName.isValid(body.action) else {
            throw Problem.invalidBody(
                "'action' must be a dotted name such as 'payments.transfer' (at most \(ActionName.maxLength) characters)")
        }
        // `context.device_id` is read and ignored: the device is the one this session proved at sign-in.
        let action = ActionRequest(
            action: body.action, resource: body.resource ?? [:],
            context: RequestContext(transaction: body.context?.transaction ?? [:],
                                    attributes: body.context?.attributes ?? [:])
        )
        let explain = body.explain ?? false
        if explain, !user.roles.contains("admin") {
            throw Problem.forbidden("decision explanations are for administrators (role 'admin')")
        }
        let outcome = try await service.decide(action, grant: body.grant, session: session, user: user,
                                               explain: explain, request, context, web: web)
        let view = DecisionView(outcome, ladder: service.policy.current.ladder)
        if let bytes = view.handWritten { return .json(bytes: bytes) }
        return try .json(view)
    }

    @Sendable func getChallenge(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, _) = try bearer(request, context, allowPending: true)
        let id = context.parameters.get("id") ?? ""
        guard let challenge = try await service.challenge(id: id, for: session) else {
            throw Problem.notFound("challenge '\(id.prefix(64))'")
        }
        let outcome = try await service.stepUpOutcome(for: challenge, session: session)
        return try .json(ChallengeView(outcome, ladder: service.policy.current.ladder))
    }

    @Sendable func verify(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context, allowPending: true)
        let body = try await request.decodeJSON(VerifyBody.self, context: context)
        let id = context.parameters.get("id") ?? ""
        let completed = try await service.verify(
            challengeID: id, answer: StepUpAnswer(factor: FactorKind(body.factor), code: body.code ?? "",
                                                  password: body.password,
                                                  webAuthn: body.credential.map { (body.ceremony ?? "", $0) }),
            session: session, user: user, client: web.client(request, context: context))
        let outcome = try await service.stepUpOutcome(for: completed.challenge, session: session)
        struct Verified: Encodable {
            var status: String
            var grant: String
            var challenge: ChallengeView
            /// The session's new token when this completed a sign-in (the pending token stops working).
            var token: String?
        }
        return try .json(Verified(status: completed.challenge.status.rawValue, grant: completed.challenge.id,
                                  challenge: ChallengeView(outcome, ladder: service.policy.current.ladder),
                                  token: completed.token))
    }

    @Sendable func listFactors(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (_, user) = try bearer(request, context)
        let factors = try await service.stores.factors.factors(userID: user.id).map(FactorView.init)
        let left = try await service.stores.recoveryCodes.unusedRecoveryCodes(userID: user.id).count
        struct Listing: Encodable {
            var factors: [FactorView]
            var recoveryCodesLeft: Int
            enum CodingKeys: String, CodingKey { case factors, recoveryCodesLeft = "recovery_codes_left" }
        }
        return try .json(Listing(factors: factors, recoveryCodesLeft: left))
    }

    @Sendable func startTOTP(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context)
        let client = web.client(request, context: context)
        if let stepUp = try await service.authorizeFactorChange(session: session, user: user, client: client,
                                                                grantID: request.uri.queryParameters.get("grant")) {
            throw StepUpError.stepUpRequired(stepUp)
        }
        let enrollment = try await service.startTOTPEnrollment(user: user, client: client)
        struct Started: Encodable {
            var factorID: String
            var secret: String
            var otpauthURI: String
            var confirmURL: String
            enum CodingKeys: String, CodingKey {
                case factorID = "factor_id", secret, otpauthURI = "otpauth_uri", confirmURL = "confirm_url"
            }
        }
        return try .json(Started(factorID: enrollment.factorID, secret: enrollment.secret, otpauthURI: enrollment.uri,
                                 confirmURL: "/v1/factors/totp/\(enrollment.factorID)/confirm"), status: .created)
    }

    @Sendable func confirmTOTP(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (_, user) = try bearer(request, context)
        let body = try await request.decodeJSON(CodeBody.self, context: context)
        try await service.confirmTOTPEnrollment(user: user, factorID: context.parameters.get("id") ?? "",
                                                code: body.code, client: web.client(request, context: context))
        return try .json(["status": "active"])
    }

    @Sendable func recoveryCodes(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context)
        let client = web.client(request, context: context)
        if let stepUp = try await service.authorizeFactorChange(session: session, user: user, client: client,
                                                                grantID: request.uri.queryParameters.get("grant")) {
            throw StepUpError.stepUpRequired(stepUp)
        }
        let codes = try await service.regenerateRecoveryCodes(user: user, client: client)
        return try .json(["codes": codes], status: .created)
    }

    /// Reloads the policy file now. The action `admin.policy.reload` goes through the policy like any other,
    /// so the policy decides who may reload it and how strongly they must have authenticated.
    @Sendable func reloadPolicy(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context)
        let client = web.client(request, context: context)
        if let stepUp = try await service.authorize("admin.policy.reload", session: session, user: user,
                                                    client: client, grantID: request.uri.queryParameters.get("grant")) {
            throw StepUpError.stepUpRequired(stepUp)
        }
        let result = await service.reloadPolicy(reason: "admin API (\(user.username))")
        return try .json(PolicyReloadView(result), status: result.applied ? .ok : .unprocessableContent)
    }

    // MARK: devices

    @Sendable func deviceNonce(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let proof = DeviceProof(signer: web.signer)
        struct Nonce: Encodable {
            var nonce: String
            var expiresIn: Int
            enum CodingKeys: String, CodingKey { case nonce, expiresIn = "expires_in" }
        }
        return try .json(Nonce(nonce: proof.nonce(at: service.now()), expiresIn: Int(proof.lifetime)))
    }

    /// The device id a signed nonce proves. The nonce is spent *before* the signature is checked, in one
    /// conditional statement: of N racing proofs of one nonce exactly one is evaluated.
    private func provenDevice(_ body: DeviceProofBody) async throws -> String {
        let proof = DeviceProof(signer: web.signer)
        let at = service.now()
        guard body.nonce.utf8.count <= 512,
              try await service.stores.budgets.useOnce("device-nonce:" + Tokens.hash(body.nonce),
                                                       lifetime: proof.lifetime * 2, at: at)
        else {
            throw StepUpError.invalidDeviceProof(
                "this nonce was already used; get a new one from GET /v1/devices/nonce")
        }
        do {
            return try proof.verify(publicKey: body.publicKey, nonce: body.nonce, signature: body.signature, at: at)
        } catch {
            throw StepUpError.invalidDeviceProof(error.description)
        }
    }

    @Sendable func listDevices(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context)
        let devices = try await service.devices(of: user).map { DeviceView($0, current: session.deviceID) }
        return try .json(["devices": devices])
    }

    @Sendable func trustDevice(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context)
        let record = try await service.trustCurrentDevice(session: session, user: user,
                                                          client: web.client(request, context: context))
        return try .json(DeviceView(record, current: record.deviceID))
    }

    @Sendable func revokeDevice(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try bearer(request, context)
        let client = web.client(request, context: context)
        if let stepUp = try await service.authorizeDeviceChange(session: session, user: user, client: client,
                                                                grantID: request.uri.queryParameters.get("grant")) {
            throw StepUpError.stepUpRequired(stepUp)
        }
        try await service.revokeDevice(user: user, deviceID: context.parameters.get("id") ?? "", by: user.username,
                                       client: client)
        return Response(status: .noContent)
    }

    /// The bearer token's session (``AuthenticationMiddleware`` read it). A sign-in still waiting for its step-up
    /// passes only where `allowPending`.
    func bearer(_ request: Request, _ context: StepUpRequestContext, allowPending: Bool = false) throws
        -> (Session, UserRecord)
    {
        try context.requireSession(allowPending: allowPending)
    }
}

extension Problem {
    /// 403 with an RFC 9470 challenge: the caller must step up to `acr` and retry.
    static func stepUpRequired(_ stepUp: StepUpOutcome) -> Problem {
        let acr = stepUp.acr
        let requirement = stepUp.challenge.requirement
        var header = "Bearer error=\"insufficient_user_authentication\", " +
            "error_description=\"A stronger or more recent authentication is required\""
        if let acr { header += ", acr_values=\"\(acr)\"" }
        if let maxAge = requirement.maxAge { header += ", max_age=\(Int(maxAge))" }
        return Problem(.forbidden, type: "step-up-required", title: "Step-up required",
                       detail: "confirm with a second factor at \(stepUp.challenge.id), then retry",
                       extra: ["challenge_id": .string(stepUp.challenge.id), "level": .string(requirement.level),
                               "challenge_url": .string("/v1/challenges/\(stepUp.challenge.id)")],
                       headers: [.wwwAuthenticate: header])
    }
}

/// The answer of `POST /v1/admin/policy/reload`.
struct PolicyReloadView: Encodable {
    var applied: Bool
    var version: String
    var previousVersion: String
    var errors: [String]
    var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case applied, version, previousVersion = "previous_version", errors, warnings
    }

    init(_ reload: PolicyReload) {
        applied = reload.applied
        version = reload.version
        previousVersion = reload.previousVersion
        errors = reload.diagnostics.items.filter { $0.severity == .error }.map(\.description)
        warnings = reload.diagnostics.items.filter { $0.severity == .warning }.map(\.description)
    }
}
