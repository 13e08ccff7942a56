import Foundation
import HTTPTypes
import Hummingbird
import StepUpCore

/// The pages' WebAuthn: passkey sign-in (button and autofill), registration and management on the account page, and
/// the script that runs the ceremonies. Every form carries its CSRF token like the others.
extension PageRoutes {
    func registerWebAuthn(on router: RouterGroup<StepUpRequestContext>) {
        router.post("login/webauthn", use: loginWithPasskey)
        router.post("account/passkeys/new", use: newPasskey)
        router.post("account/passkeys", use: registerPasskey)
        router.post("account/passkeys/:id/rename", use: renamePasskey)
        router.post("account/passkeys/:id/remove", use: removePasskey)
    }

    /// Where a browser goes when the policy wants a step-up before a factor change; `nil` when it may proceed.
    func stepUpBeforeFactorChange(_ session: Session, _ user: UserRecord, _ client: ClientInfo) async throws
        -> Response?
    {
        try await service.authorizeFactorChange(session: session, user: user, client: client)
            .map { WebSupport.redirect("/step-up/\($0.challenge.id)?next=%2Faccount") }
    }

    /// The ceremony and credential a passkey form posts, or `nil` when the form carries none.
    static func webAuthnAnswer(_ form: [String: String]) throws
        -> (ceremony: String, credential: WebAuthnCredentialJSON)?
    {
        guard let text = form["credential"], !text.isEmpty else { return nil }
        return (form["ceremony"] ?? "", try WebAuthnCredentialJSON.parse(text))
    }

    /// One passkey on the account page: its name, synced or device-bound, dates.
    static func passkeyEntry(_ passkey: Passkey) -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        return ["id": passkey.id, "label": passkey.record.label,
                "binding": passkey.synced ? "synced passkey (aal2 at most)" : "bound to one device (can reach aal3)",
                "created": formatter.string(from: passkey.record.createdAt),
                "lastUsed": passkey.record.lastUsedAt.map { formatter.string(from: $0) } ?? "never"]
    }

    @Sendable func loginWithPasskey(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        let form = try await request.formFields(context: context)
        let next = SafeRedirect.localPath(form["next"]) ?? "/account"
        let binding = request.cookies[WebSupport.preSessionCookie]?.value ?? ""
        guard !binding.isEmpty, web.signer.verifyCSRF(form["csrf"], binding: "pre:" + binding) else {
            return renderLogin(request, next: next, error: "Your sign-in form expired. Please try again.",
                               username: "", status: .forbidden)
        }
        do {
            guard let answer = try Self.webAuthnAnswer(form) else {
                throw StepUpError.webAuthn("malformed_response", "no passkey answer came with the form")
            }
            let result = try await service.signInWithPasskey(ceremony: answer.ceremony, credential: answer.credential,
                                                             client: web.client(request, context: context))
            return signedIn(result, next: next)
        } catch let error as StepUpError {
            return renderLogin(request, next: next, error: error.reason, username: "", status: Problem(error).status)
        }
    }

    /// The redirect after a sign-in: the session (and device) cookies, then the step-up or the page asked for.
    func signedIn(_ result: LoginResult, next: String) -> Response {
        var cookies = [web.cookie(WebSupport.sessionCookie, result.token, maxAge: nil),
                       web.expiredCookie(WebSupport.preSessionCookie)]
        if let secret = result.deviceSecret { cookies.append(web.deviceCookie(secret: secret)) }
        if let stepUp = result.stepUp {
            let target = SafeRedirect.appendingQuery("/step-up/\(stepUp.challenge.id)", name: "next", value: next)
            return WebSupport.redirect(target, cookies: cookies)
        }
        return WebSupport.redirect(next, cookies: cookies)
    }

    /// "Add a passkey": the policy first (a password-only session of a user with a second factor is sent to step
    /// up), then the page whose script runs the registration.
    @Sendable func newPasskey(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, _ in
            let client = web.client(request, context: context)
            if let stepUp = try await stepUpBeforeFactorChange(session, user, client) { return stepUp }
            return try await passkeyPage(session: session, user: user, error: nil, status: .ok)
        }
    }

    private func passkeyPage(session: Session, user: UserRecord, error: String?, status: HTTPResponse.Status)
        async throws -> Response
    {
        let options = try await service.webAuthnRegistrationOptions(session: session, user: user)
        return web.pages.html("passkey", title: "Add a passkey",
                              ["passkeyOptions": options.publicKey.text, "ceremony": options.ceremony,
                               "error": error ?? ""],
                              status: status, user: user.username, csrf: csrf(session))
    }

    @Sendable func registerPasskey(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, form in
            let client = web.client(request, context: context)
            if let stepUp = try await stepUpBeforeFactorChange(session, user, client) { return stepUp }
            do {
                guard let answer = try Self.webAuthnAnswer(form) else {
                    throw StepUpError.webAuthn("malformed_response", "no passkey answer came with the form")
                }
                try await service.registerWebAuthn(ceremony: answer.ceremony, credential: answer.credential,
                                                   name: form["name"], session: session, user: user, client: client)
                return WebSupport.redirect("/account?notice=passkey")
            } catch let error as StepUpError {
                return try await passkeyPage(session: session, user: user, error: error.reason,
                                             status: Problem(error).status)
            }
        }
    }

    @Sendable func renamePasskey(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, form in
            try await orAccountWithError(session, user) {
                try await service.renameFactor(user: user, factorID: context.parameters.get("id") ?? "",
                                               name: form["name"], client: web.client(request, context: context))
                return WebSupport.redirect("/account?notice=passkey-renamed")
            }
        }
    }

    /// Removing a passkey is a sensitive change under the policy (`account.factors.manage`).
    @Sendable func removePasskey(_ request: Request, context: StepUpRequestContext) async throws -> Response {
        try await postedForm(request, context) { session, user, _ in
            let client = web.client(request, context: context)
            if let stepUp = try await stepUpBeforeFactorChange(session, user, client) { return stepUp }
            return try await orAccountWithError(session, user) {
                try await service.removeFactor(user: user, factorID: context.parameters.get("id") ?? "",
                                               session: session, client: client)
                return WebSupport.redirect("/account?notice=passkey-removed")
            }
        }
    }
}
