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
        let v1 = router.group("v1")
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
    }

    @Sendable func login(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(LoginBody.self, context: context)
        var client = web.client(request, context: context)
        client.deviceID = Self.validDeviceID(body.deviceID) ?? client.deviceID
        if let proof = body.deviceProof {
            client.deviceID = try await provenDevice(proof)
        }
        let result = try await service.login(username: body.username, password: body.password, otp: body.otp,
                                             client: client)
        let ladder = service.policy.current.ladder
        struct LoginView: Encodable {
            var token: String
            var tokenType = "Bearer"
            var session: SessionView
            var stepUp: ChallengeView?
            enum CodingKeys: String, CodingKey { case token, tokenType = "token_type", session, stepUp = "step_up" }
        }
        let view = LoginView(token: result.token,
                             session: SessionView(session: result.session, user: result.user, ladder: ladder,
                                                  now: service.now()),
                             stepUp: result.stepUp.map { ChallengeView($0, ladder: ladder) })
        return try .json(view, status: .created)
    }

    @Sendable func currentSession(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        return try .json(SessionView(session: session, user: user, ladder: service.policy.current.ladder,
                                     now: service.now()))
    }

    @Sendable func logout(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, _) = try await bearer(request, context)
        try await service.logout(session: session, client: web.client(request, context: context))
        return Response(status: .noContent)
    }

    @Sendable func decide(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let body = try await request.decodeJSON(DecisionBody.self, context: context)
        guard Self.isValidAction(body.action) else {
            throw Problem.invalidBody("'action' must be a dotted name such as 'payments.transfer' (at most 200 characters)")
        }
        var client = web.client(request, context: context)
        client.deviceID = Self.validDeviceID(body.context?.deviceID) ?? client.deviceID
        let action = ActionRequest(
            action: body.action, resource: body.resource ?? [:],
            context: RequestContext(transaction: body.context?.transaction ?? [:],
                                    attributes: body.context?.attributes ?? [:])
        )
        let explain = body.explain ?? false
        if explain, !user.roles.contains("admin") {
            throw Problem.forbidden("decision explanations are for administrators (role 'admin')")
        }
        let outcome = try await service.decide(session: session, user: user, request: action, grantID: body.grant,
                                               client: client, explain: explain)
        return try .json(DecisionView(outcome, ladder: service.policy.current.ladder))
    }

    @Sendable func getChallenge(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, _) = try await bearer(request, context)
        let id = context.parameters.get("id") ?? ""
        guard let challenge = try await service.challenge(id: id, for: session) else {
            throw Problem.notFound("challenge '\(id.prefix(64))'")
        }
        let outcome = try await service.stepUpOutcome(for: challenge)
        return try .json(ChallengeView(outcome, ladder: service.policy.current.ladder))
    }

    @Sendable func verify(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let body = try await request.decodeJSON(VerifyBody.self, context: context)
        let id = context.parameters.get("id") ?? ""
        let challenge = try await service.verify(challengeID: id, factor: FactorKind(body.factor), code: body.code,
                                                 session: session, user: user,
                                                 client: web.client(request, context: context))
        let outcome = try await service.stepUpOutcome(for: challenge)
        struct Verified: Encodable {
            var status: String
            var grant: String
            var challenge: ChallengeView
        }
        return try .json(Verified(status: challenge.status.rawValue, grant: challenge.id,
                                  challenge: ChallengeView(outcome, ladder: service.policy.current.ladder)))
    }

    @Sendable func listFactors(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (_, user) = try await bearer(request, context)
        let factors = try await service.stores.factors.factors(userID: user.id).map {
            FactorView(id: $0.id, kind: $0.kind.rawValue, label: $0.label, status: $0.status.rawValue,
                       createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt)
        }
        let left = try await service.stores.recoveryCodes.unusedRecoveryCodes(userID: user.id).count
        struct Listing: Encodable {
            var factors: [FactorView]
            var recoveryCodesLeft: Int
            enum CodingKeys: String, CodingKey { case factors, recoveryCodesLeft = "recovery_codes_left" }
        }
        return try .json(Listing(factors: factors, recoveryCodesLeft: left))
    }

    @Sendable func startTOTP(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let client = web.client(request, context: context)
        try await requireFactorChange(session: session, user: user, client: client)
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
        let (_, user) = try await bearer(request, context)
        let body = try await request.decodeJSON(CodeBody.self, context: context)
        try await service.confirmTOTPEnrollment(user: user, factorID: context.parameters.get("id") ?? "",
                                                code: body.code, client: web.client(request, context: context))
        return try .json(["status": "active"])
    }

    @Sendable func recoveryCodes(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let client = web.client(request, context: context)
        try await requireFactorChange(session: session, user: user, client: client)
        let codes = try await service.regenerateRecoveryCodes(user: user, client: client)
        return try .json(["codes": codes], status: .created)
    }

    /// Reloads the policy file now. The action `admin.policy.reload` goes through the policy like any other,
    /// so the policy decides who may reload it and how strongly they must have authenticated.
    @Sendable func reloadPolicy(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let client = web.client(request, context: context)
        let outcome = try await service.decide(session: session, user: user,
                                               request: ActionRequest(action: "admin.policy.reload"),
                                               grantID: request.uri.queryParameters.get("grant"), client: client)
        switch outcome.decision.outcome {
        case .deny:
            throw Problem.forbidden(outcome.decision.reason)
        case .stepUp:
            guard let stepUp = outcome.stepUp else { throw Problem.forbidden(outcome.decision.reason) }
            throw Problem.stepUpRequired(stepUp, acr: service.policy.current.ladder[stepUp.challenge.requirement.level]?.acr)
        case .allow:
            let result = await service.reloadPolicy(reason: "admin API (\(user.username))")
            return try .json(PolicyReloadView(result), status: result.applied ? .ok : .unprocessableContent)
        }
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

    /// The device id a signed nonce proves; each nonce works once.
    private func provenDevice(_ body: DeviceProofBody) async throws -> String {
        let deviceID: String
        do {
            deviceID = try DeviceProof(signer: web.signer).verify(publicKey: body.publicKey, nonce: body.nonce,
                                                                  signature: body.signature, at: service.now())
        } catch {
            throw Problem(.badRequest, type: "invalid-device-proof", title: "Device proof rejected",
                          detail: error.description)
        }
        let key = "device-nonce:" + Tokens.hash(body.nonce)
        let since = service.now().addingTimeInterval(-3_600)
        guard try await service.stores.throttle.failureCount(key: key, since: since) == 0 else {
            throw Problem(.badRequest, type: "invalid-device-proof", title: "Device proof rejected",
                          detail: "this nonce was already used; get a new one from GET /v1/devices/nonce")
        }
        try await service.stores.throttle.recordFailure(key: key, at: service.now())
        return deviceID
    }

    @Sendable func listDevices(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let devices = try await service.devices(of: user).map { DeviceView($0, current: session.deviceID) }
        return try .json(["devices": devices])
    }

    @Sendable func trustDevice(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (session, user) = try await bearer(request, context)
        let record = try await service.trustCurrentDevice(session: session, user: user,
                                                          client: web.client(request, context: context))
        return try .json(DeviceView(record, current: record.deviceID))
    }

    @Sendable func revokeDevice(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let (_, user) = try await bearer(request, context)
        try await service.revokeDevice(user: user, deviceID: context.parameters.get("id") ?? "", by: user.username,
                                       client: web.client(request, context: context))
        return Response(status: .noContent)
    }

    /// Throws an RFC 9470 `insufficient_user_authentication` problem carrying a challenge when needed.
    private func requireFactorChange(session: Session, user: UserRecord, client: ClientInfo) async throws {
        guard let stepUp = try await service.authorizeFactorChange(session: session, user: user, client: client)
        else { return }
        let ladder = service.policy.current.ladder
        throw Problem.stepUpRequired(stepUp, acr: ladder[stepUp.challenge.requirement.level]?.acr)
    }

    private func bearer(_ request: Request, _ context: StepUpRequestContext) async throws -> (Session, UserRecord) {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
              let found = try await service.authenticate(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        else { throw Problem.unauthenticated }
        return found
    }

    static func isValidAction(_ action: String) -> Bool {
        guard (1...200).contains(action.count) else { return false }
        return action.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-:".unicodeScalars.contains($0)
        }
    }

    static func validDeviceID(_ id: String?) -> String? {
        guard let id, (8...128).contains(id.count),
              id.unicodeScalars.allSatisfy({ $0.isASCII && !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "." })
        else { return nil }
        return id
    }
}

extension Problem {
    /// 403 with an RFC 9470 challenge: the caller must step up to `acr` and retry.
    static func stepUpRequired(_ stepUp: StepUpOutcome, acr: String?) -> Problem {
        let requirement = stepUp.challenge.requirement
        var header = "Bearer error=\"insufficient_user_authentication\", " +
            "error_description=\"A stronger or more recent authentication is required\""
        if let acr { header += ", acr_values=\"\(acr)\"" }
        if let maxAge = requirement.maxAge { header += ", max_age=\(Int(maxAge))" }
        return Problem(.forbidden, type: "step-up-required", title: "Step-up required",
                       detail: "confirm with a second factor at \(stepUp.challenge.id), then retry",
                       extra: ["challenge_id": stepUp.challenge.id, "level": requirement.level,
                               "challenge_url": "/v1/challenges/\(stepUp.challenge.id)"],
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
