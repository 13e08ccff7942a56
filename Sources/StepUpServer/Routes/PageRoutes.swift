import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore
import StepUpQR

/// Browser pages: sign-in, step-up prompt, account. Cookie sessions, CSRF tokens on every form.
struct PageRoutes: Sendable {
    let service: StepUpService
    let web: WebSupport
    /// The approver pages' open event streams, counted against the configured limits.
    let approverStreams: ApproverStreams

    init(service: StepUpService, web: WebSupport) {
        self.service = service
        self.web = web
        approverStreams = ApproverStreams(metrics: service.metrics)
    }

    func register(on router: Router<StepUpRequestContext>) {
        router.get("assets/stepup.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: .init(string: Stylesheet.css)))
        }
        router.get("static/webauthn.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8",
                                            .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: .init(string: WebAuthnScript.javascript)))
        }
        registerPushAssets(on: router)
        registerApproverAssets(on: router)
        // Every page reads the browser's session cookie, and only that (a bearer token cannot drive a form).
        let router = signedInPages(router)
        router.get("/") { request, context in
            WebSupport.redirect(browserSession(request, context) != nil ? "/account" : "/login")
        }
        router.get("login", use: loginPage)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.get("step-up/:id", use: stepUpPage)
        router.post("step-up/:id", use: stepUp)
        router.get("account", use: account)
        router.post("account/totp", use: startTOTP)
        router.post("account/totp/:id/confirm", use: confirmTOTP)
        router.post("account/recovery-codes", use: recoveryCodes)
        router.post("account/devices/trust", use: trustDevice)
        router.post("account/devices/revoke", use: revokeDevice)
        registerWebAuthn(on: router)
        router.post("step-up/:id/send-code", use: sendStepUpCode)
        registerPush(on: router)
        registerApprover(on: router)
    }

    // MARK: sign-in

    @Sendable func loginPage(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let next = web.returnTarget(request.uri.queryParameters.get("next")) ?? "/account"
        // An OpenID Connect `login_hint` pre-fills the username (escaped by the template like every value).
        let hint = request.uri.queryParameters.get("login_hint").map { String($0.prefix(128)) } ?? ""
        return renderLogin(request, next: next, error: nil, username: hint, status: .ok)
    }

    func renderLogin(_ request: Request, next: String, error: String?, username: String,
                             status: HTTPResponse.Status, needsCode: Bool = false) -> Response {
        // The pre-session cookie binds the login form's CSRF token before any session exists.
        let existing = request.cookies[WebSupport.preSessionCookie]?.value
        let binding = existing.flatMap { $0.count == 24 ? $0 : nil } ?? Tokens.random(bytes: 18)
        // A passkey sign-in ceremony per page view: sealed, stateless until it is answered.
        let passkey = try? service.webAuthnSignInOptions()
        var response = web.pages.html("login", title: "Sign in",
                                      ["next": next, "error": error ?? "", "username": username, "needsCode": needsCode,
                                       "passkeyOptions": passkey?.publicKey.text ?? "",
                                       "ceremony": passkey?.ceremony ?? ""],
                                      status: status, csrf: web.signer.csrfToken(binding: "pre:" + binding))
        if existing != binding {
            response.setCookie(web.cookie(WebSupport.preSessionCookie, binding, maxAge: 3_600))
        }
        if let device = web.deviceCookieIfMissing(request) { response.setCookie(device) }
        return response
    }

    @Sendable func login(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let form = try await request.formFields(context: context)
        let next = web.returnTarget(form["next"]) ?? "/account"
        let binding = request.cookies[WebSupport.preSessionCookie]?.value ?? ""
        guard !binding.isEmpty, web.signer.verifyCSRF(form["csrf"], binding: "pre:" + binding) else {
            return renderLogin(request, next: next, error: "Your sign-in form expired. Please try again.",
                               username: form["username"] ?? "", status: .forbidden)
        }
        let client = web.client(request, context: context)
        do {
            let result = try await service.login(
                LoginAttempt(username: form["username"] ?? "", password: form["password"] ?? "",
                             otp: form["otp"].flatMap { $0.isEmpty ? nil : $0 }), client: client)
            return signedIn(result, next: next)
        } catch let error as StepUpError {
            // Over an account's failure limit the form offers the one-time code field.
            let problem = Problem(error)
            return renderLogin(request, next: next, error: error.reason, username: form["username"] ?? "",
                               status: problem.status, needsCode: error.isRateLimited || error.isSecondFactorRequired)
        }
    }

    @Sendable func logout(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let form = try await request.formFields(context: context)
        if let (session, _) = browserSession(request, context, allowPending: true),
           web.signer.verifyCSRF(form["csrf"], binding: session.id) {
            try await service.logout(session: session, client: web.client(request, context: context))
        }
        return WebSupport.redirect("/login", cookies: [web.expiredCookie(WebSupport.sessionCookie)])
    }

    // MARK: step-up

    @Sendable func stepUpPage(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        guard let (session, user) = browserSession(request, context, allowPending: true) else {
            return toLogin(request, context)
        }
        let next = web.returnTarget(request.uri.queryParameters.get("next")) ?? "/account"
        return try await renderStepUp(id: context.parameters.get("id") ?? "", session: session, user: user,
                                      next: next, error: nil, status: .ok)
    }

    func renderStepUp(id: String, session: Session, user: UserRecord, next: String, error: String?,
                      status: HTTPResponse.Status, notice: String? = nil, prompted: String? = nil)
        async throws -> Response
    {
        guard let challenge = try await service.challenge(id: id, for: session) else {
            return web.pages.html("message", title: "Not found",
                                  ["heading": "This confirmation does not exist",
                                   "text": "It may belong to another account. Start the action again.",
                                   "link": "/account", "linkText": "Back to your account"],
                                  status: .notFound, user: user.username, csrf: csrf(session))
        }
        let outcome = try await service.stepUpOutcome(for: challenge, session: session)
        let labels: [FactorKind: String] = [.totp: "Authenticator app code", .recoveryCode: "Recovery code",
                                            .emailOTP: "E-mail code"]
        let canAnswer = challenge.status == .pending && !challenge.isExpired(at: service.now())
        let passkey = canAnswer && outcome.availableFactors.contains(.webauthn)
            ? try? await service.webAuthnStepUpOptions(challengeID: challenge.id, session: session) : nil
        // Just after a code was sent, the e-mail code comes first; otherwise the authenticator app.
        let first: FactorKind = notice != nil ? .emailOTP : .totp
        let factors = outcome.availableFactors.sorted { $0 == first && $1 != first }.compactMap { kind in
            labels[kind].map { ["value": kind.rawValue, "label": $0] }
        }
        let display = challenge.display.keys.sorted().map { ["name": $0, "value": challenge.display[$0] ?? ""] }
        let level = service.policy.current.ladder[challenge.requirement.level]
        var reason = "This action needs a stronger or more recent sign-in"
        if let level { reason = DecisionEngineText.reason(level: level, requirement: challenge.requirement) }
        var error = error
        if error == nil, challenge.status != .pending {
            error = challenge.status == .failed ? "Too many wrong codes. Start the action again."
                : "This confirmation is already complete."
        } else if error == nil, challenge.isExpired(at: service.now()) {
            error = "This confirmation expired. Start the action again."
        }
        let pushOffered = canAnswer && outcome.availableFactors.contains(.push)
        // The number of the prompt this browser just started, else the newest open one.
        var pushNumber = pushOffered ? prompted : nil
        if pushOffered, pushNumber == nil {
            pushNumber = try await service.pushNumber(challengeID: challenge.id, userID: user.id)
        }
        let canVerify = canAnswer && (!factors.isEmpty || passkey != nil || pushOffered)
        return web.pages.html("stepup", title: "Confirm it's you", [
            "id": challenge.id, "next": next, "message": outcome.message ?? "", "display": display,
            "hasDisplay": !display.isEmpty, "reason": reason, "level": challenge.requirement.level,
            "attemptsLeft": challenge.status == .pending ? challenge.attemptsLeft : 0,
            "error": error ?? "", "canVerify": canVerify, "factors": factors, "needsPassword": outcome.needsPassword,
            "hasCodes": !factors.isEmpty, "passkeyOptions": passkey?.publicKey.text ?? "",
            "ceremony": passkey?.ceremony ?? "",
            "emailCode": canAnswer && outcome.availableFactors.contains(.emailOTP), "notice": notice ?? "",
            "pushAvailable": pushOffered && pushNumber == nil, "pushNumber": pushNumber ?? "",
        ], status: status, user: user.username, csrf: csrf(session))
    }

    @Sendable func stepUp(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await withStepUpForm(request, context) { post in
            let (session, user, form, id, next) = (post.session, post.user, post.fields, post.id, post.next)
            do {
                let completed = try await service.verify(
                    challengeID: id,
                    answer: StepUpAnswer(factor: FactorKind(form["factor"] ?? "totp"), code: form["code"] ?? "",
                                         password: form["password"], webAuthn: try Self.webAuthnAnswer(form)),
                    session: session, user: user, client: web.client(request, context: context))
                // A new session token after every authentication: no session fixation.
                var token = completed.token
                if token == nil { token = try await service.rotateToken(session: session) }
                let target = SafeRedirect.appendingQuery(next, name: "grant", value: completed.challenge.id)
                return WebSupport.redirect(target,
                                           cookies: [web.cookie(WebSupport.sessionCookie, token ?? "", maxAge: nil)])
            } catch let error as StepUpError {
                return try await renderStepUp(id: id, session: session, user: user, next: next, error: error.reason,
                                              status: Problem(error).status)
            }
        }
    }

    // MARK: account

    @Sendable func account(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        guard let (session, user) = browserSession(request, context) else {
            return toLogin(request, context)
        }
        return try await renderAccount(session: session, user: user, notice: request.uri.queryParameters.get("notice"),
                                       device: session.deviceID)
    }

    func renderAccount(session: Session, user: UserRecord, notice: String?, device: String?,
                               error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let stores = service.stores
        let records = try await stores.factors.factors(userID: user.id)
        let factors = records.filter { $0.kind != .webauthn }.map {
            ["label": $0.label, "kind": $0.kind.rawValue, "status": $0.status.rawValue]
        }
        let codesLeft = try await stores.recoveryCodes.unusedRecoveryCodes(userID: user.id).count
        let formatter = ISO8601DateFormatter()
        let now = service.now()
        let devices: [[String: Any]] = try await service.devices(of: user).filter { !$0.revoked }.map {
            var entry: [String: Any] = ["id": $0.deviceID, "label": $0.label,
                                        "lastSeen": formatter.string(from: $0.lastSeen),
                                        "current": $0.deviceID == (device ?? session.deviceID)]
            if $0.isTrusted(at: now), let until = $0.trustedUntil { entry["trustedUntil"] = formatter.string(from: until) }
            return entry
        }
        let level = session.effectiveLevel(in: service.policy.current.ladder, at: service.now())
        let notices: [String: String] = [
            "totp": "Authenticator app added.", "stepup": "Confirmed.",
            "trusted": "This device is trusted for 30 days.",
            "removed": "Device removed.", "passkey": "Passkey added.", "passkey-renamed": "Passkey renamed.",
            "passkey-removed": "Passkey removed.",
            "approver": "This device now approves your step-ups. Keep its approver page open to get requests here.",
        ]
        let passkeys: [[String: Any]] = records.compactMap(Passkey.init).map(Self.passkeyEntry)
        return web.pages.html("account", title: "Account", [
            "displayName": user.displayName, "username": user.username, "roles": user.roles.joined(separator: ", "),
            "level": level?.name ?? "none", "factors": factors, "codesLeft": codesLeft, "devices": devices,
            "passkeys": passkeys, "notice": notice.flatMap { notices[$0] } ?? "", "error": error ?? "",
            "pushEnabled": service.configuration.push.channel != .none,
            "vapidKey": service.configuration.push.channel == .webpush ? service.vapidPublicKey ?? "" : "",
        ], status: status, user: user.username, csrf: csrf(session))
    }

    @Sendable func trustDevice(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, form in
            try await orAccountWithError(session, user) {
                _ = try await service.trustCurrentDevice(session: session, user: user,
                                                         client: web.client(request, context: context))
                return WebSupport.redirect("/account?notice=trusted")
            }
        }
    }

    @Sendable func revokeDevice(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, form in
            let client = web.client(request, context: context)
            if let stepUp = try await service.authorizeDeviceChange(session: session, user: user, client: client) {
                return WebSupport.redirect("/step-up/\(stepUp.challenge.id)?next=%2Faccount")
            }
            try await service.revokeDevice(user: user, deviceID: form["device"] ?? "", by: user.username, client: client)
            return WebSupport.redirect("/account?notice=removed")
        }
    }

    @Sendable func startTOTP(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, form in
            let client = web.client(request, context: context)
            if let stepUp = try await service.authorizeFactorChange(session: session, user: user, client: client) {
                return WebSupport.redirect("/step-up/\(stepUp.challenge.id)?next=%2Faccount")
            }
            let enrollment = try await service.startTOTPEnrollment(user: user, client: client)
            return web.pages.html("totp", title: "Add an authenticator app",
                                  ["secret": enrollment.secret, "uri": enrollment.uri, "factorID": enrollment.factorID,
                                   "qr": Self.qrCode(enrollment.uri)],
                                  user: user.username, csrf: csrf(session))
        }
    }

    @Sendable func confirmTOTP(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, form in
            let factorID = context.parameters.get("id") ?? ""
            do {
                try await service.confirmTOTPEnrollment(user: user, factorID: factorID, code: form["code"] ?? "",
                                                        client: web.client(request, context: context))
                return WebSupport.redirect("/account?notice=totp")
            } catch let error as StepUpError {
                // The key comes from the stored factor, never from the post: a posted `uri` would become a link.
                let pending = try await service.pendingTOTPEnrollment(user: user, factorID: factorID)
                return web.pages.html("totp", title: "Add an authenticator app",
                                      ["secret": pending?.secret ?? "", "uri": pending?.uri ?? "", "factorID": factorID,
                                       "qr": pending.map { Self.qrCode($0.uri) } ?? "", "error": error.reason],
                                      status: Problem(error).status, user: user.username, csrf: csrf(session))
            }
        }
    }

    @Sendable func recoveryCodes(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, form in
            let client = web.client(request, context: context)
            if let stepUp = try await service.authorizeFactorChange(session: session, user: user, client: client) {
                return WebSupport.redirect("/step-up/\(stepUp.challenge.id)?next=%2Faccount")
            }
            let codes = try await service.regenerateRecoveryCodes(user: user, client: client)
            return web.pages.html("codes", title: "Recovery codes", ["codes": codes], user: user.username,
                                  csrf: csrf(session))
        }
    }

    /// The `otpauth://` URI as an SVG QR code (error correction M), drawn by the server: no script, no image request,
    /// nothing but path data from the URI's bytes. Empty if the URI cannot be encoded.
    static func qrCode(_ uri: String) -> String {
        (try? QRCode.encode(uri, level: .medium))?.svg(moduleSize: 4, title: "QR code for your authenticator app") ?? ""
    }

    // MARK: helpers

    /// `body`'s answer, or the account page showing why it failed.
    func orAccountWithError(_ session: Session, _ user: UserRecord, _ body: () async throws -> Response)
        async throws -> Response
    {
        do {
            return try await body()
        } catch let error as StepUpError {
            return try await renderAccount(session: session, user: user, notice: nil, device: session.deviceID,
                                           error: error.reason, status: Problem(error).status)
        }
    }

    /// The browser's session. A sign-in waiting for its step-up counts only where `allowPending` (the step-up
    /// pages and sign-out); everywhere else it is sent to complete its challenge.
    func browserSession(_ request: Request, _ context: StepUpRequestContext, allowPending: Bool = false)
        -> (Session, UserRecord)?
    {
        context.signedIn(allowPending: allowPending)
    }

    /// The routes of signed-in pages: ``AuthenticationMiddleware`` reads the session cookie once per request.
    func signedInPages(_ router: Router<StepUpRequestContext>) -> RouterGroup<StepUpRequestContext> {
        router.group().add(middleware: AuthenticationMiddleware(service: service, accepts: [.cookie]))
    }

    func csrf(_ session: Session) -> String { web.signer.csrfToken(binding: session.id) }

    /// A signed-in form post: the session, the form, and a valid CSRF token — or the sign-in page / a 403 page.
    func postedForm(_ request: Request, _ context: StepUpRequestContext,
                    _ body: (Session, UserRecord, [String: String]) async throws -> Response) async throws -> Response {
        guard let (session, user) = browserSession(request, context) else { return toLogin(request, context) }
        let form = try await request.formFields(context: context)
        guard web.signer.verifyCSRF(form["csrf"], binding: session.id) else { return forbidden(session, user) }
        return try await body(session, user, form)
    }

    /// Where a browser without a usable session goes: a sign-in waiting for its step-up to that step-up,
    /// everyone else to the sign-in page; both come back to this path afterwards.
    func toLogin(_ request: Request, _ context: StepUpRequestContext) -> Response {
        toLogin(path: request.uri.path, context)
    }

    func toLogin(path: String, _ context: StepUpRequestContext) -> Response {
        if let challenge = context.authentication?.session.pendingChallengeID {
            return WebSupport.redirect(SafeRedirect.appendingQuery("/step-up/\(challenge)", name: "next", value: path))
        }
        return WebSupport.redirect(SafeRedirect.appendingQuery("/login", name: "next", value: path))
    }

    func forbidden(_ session: Session, _ user: UserRecord) -> Response {
        web.pages.html("message", title: "Form expired",
                       ["heading": "This form expired", "text": "Reload the page and try again.",
                        "link": "/account", "linkText": "Back to your account"],
                       status: .forbidden, user: user.username, csrf: csrf(session))
    }
}

/// Human text for requirements on pages.
enum DecisionEngineText {
    static func reason(level: Level, requirement: Requirement) -> String {
        guard let maxAge = requirement.maxAge else { return "Confirm with a second factor to continue" }
        if maxAge == 0 { return "This action is confirmed every time" }
        return "This action needs a confirmation from the last \(DecisionEngine.duration(maxAge))"
    }
}
