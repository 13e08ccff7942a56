import Foundation
import StepUpCore
import StepUpWebAuthn

extension StepUpService {
    /// WebAuthn options for a pending challenge that allows `webauthn`: the user's credentials that can complete it
    /// and, for a challenge with `bind`, a WebAuthn challenge derived from a fresh nonce *and the binding hash*, so
    /// the assertion signs the transaction being approved.
    public func webAuthnStepUpOptions(challengeID: String, session: Session) async throws -> WebAuthnCeremonyOptions {
        let at = now()
        guard let challenge = try await challenge(id: challengeID, for: session) else {
            throw StepUpError.notFound("challenge '\(challengeID.prefix(64))'")
        }
        try Self.requireOpen(challenge, at: at)
        guard let plan = try await plan(for: challenge, session: session), plan.factors.contains(.webauthn) else {
            throw StepUpError.factorNotAllowed(try await plan(for: challenge, session: session)?.factors.sorted() ?? [])
        }
        let usable = try await passkeys(of: challenge.userID).filter { canComplete(challenge, with: $0, session) }
        let party = relyingParty
        let ceremony = WebAuthnCeremony.new(.stepUp, userID: session.userID, sessionID: session.id,
                                            challengeID: challenge.id, lifetime: configuration.webAuthn.timeout, at: at)
        let options = WebAuthnOptionsJSON(
            challenge: Base64URL.encode(ceremony.webAuthnChallenge(bindingHash: challenge.bindingHash)),
            timeout: party.timeoutMilliseconds, rpId: party.id, allowCredentials: usable.map(\.descriptor),
            userVerification: party.userVerification.rawValue)
        return WebAuthnCeremonyOptions(ceremony: try crypto.seal(ceremony), publicKey: options)
    }

    /// Whether an assertion (user-verified) with `passkey` could complete `challenge` for this session: a synced
    /// passkey is not offered for a level that needs a hardware-bound factor.
    private func canComplete(_ challenge: Challenge, with passkey: Passkey, _ session: Session) -> Bool {
        session.stepUpPlan(for: challenge.requirement, ladder: policy.current.ladder, at: now(),
                           candidates: [.webauthn, .password], traits: [.webauthn: passkey.bestTraits]) != nil
    }

    /// Verifies a WebAuthn answer to a pending challenge (from ``verify(challengeID:answer:session:user:client:)``,
    /// which checked that the plan allows `webauthn` and that a needed password came along).
    ///
    /// The ceremony is spent, then an attempt of the challenge, before the assertion is checked. The event the
    /// session gains carries the assertion's own traits (UV, synced or device-bound); a counter that went backwards
    /// raises `cloned_authenticator`, which the policy may deny on.
    func verifyWebAuthn(_ challenge: Challenge, answer: StepUpAnswer, password: String?, session: Session,
                        user: UserRecord, client: ClientInfo, at: Date) async throws -> CompletedChallenge {
        guard let (token, credential) = answer.webAuthn else {
            throw StepUpError.badRequest("a webauthn answer needs 'ceremony' (from POST /v1/challenges/"
                + "\(challenge.id)/webauthn) and 'credential'")
        }
        let ceremony = try await redeem(token, .stepUp, at: at)
        guard ceremony.challengeID == challenge.id, ceremony.sessionID == session.id else {
            throw StepUpError.webAuthn("ceremony_not_yours", "this passkey answer belongs to another confirmation; "
                + "ask for this challenge's options")
        }
        guard let reserved = try await stores.challenges.reserveAttempt(challengeID: challenge.id, at: at) else {
            let latest = try await stores.challenges.challenge(id: challenge.id) ?? challenge
            try Self.requireOpen(latest, at: at)
            throw StepUpError.challengeFailed
        }
        var client = client
        let verified: VerifiedAssertion
        do {
            verified = try await verifyAssertion(
                credential, challenge: ceremony.webAuthnChallenge(bindingHash: challenge.bindingHash), owner: user.id,
                client: &client, at: at)
            if let password, try await !passwordMatches(password, user: user) {
                throw StepUpError.invalidCredentials
            }
            try await refuseIfPolicyDeniesClone(challenge, verified: verified, session: session, user: user,
                                                client: client, at: at)
        } catch let error as StepUpError {
            metrics.challenge("failed")
            try await risk.recordFailure(userID: user.id, username: user.username, ip: client.ip, at: at)
            let updated = try await stores.challenges.closeIfExhausted(challengeID: challenge.id) ?? reserved
            try await auditor.record("challenge.failed", at: at, user: user.id, session: session.id, client: client,
                                     policyVersion: challenge.policyVersion,
                                     details: ["challenge": challenge.id, "factor": "webauthn",
                                               "error": error.webAuthnError ?? error.typeName,
                                               "attempts_left": String(updated.attemptsLeft)])
            if updated.status == .failed { throw StepUpError.challengeFailed }
            var answer = error
            answer.attemptsLeft = updated.attemptsLeft
            throw answer
        }
        var details = verified.auditDetails
        details["webauthn_challenge"] = challenge.bindingHash == nil ? "nonce" : "bound"
        if let hash = challenge.bindingHash { details["binding_hash"] = hash }
        let factors: [FactorKind] = (password != nil ? [.password] : []) + [.webauthn]
        let shortfall = StepUpError.webAuthn(
            "level_not_reached", verified.result.userVerified
                ? "this passkey does not reach \(challenge.requirement.level): a synced passkey counts as aal2 at "
                    + "most; use a security key or a passkey bound to this device"
                : "this passkey did not verify you (no PIN or biometric), so it does not reach "
                    + "\(challenge.requirement.level)")
        return try await complete(challenge, factors: factors, traits: [.webauthn: verified.traits],
                                  shortfall: shortfall, details: details, session: session, user: user,
                                  client: client, at: at)
    }

    /// With a regressed counter, the policy decides the challenge's action again with `cloned_authenticator` in the
    /// risk: a deny refuses the assertion (403 `webauthn-cloned-authenticator`).
    private func refuseIfPolicyDeniesClone(_ challenge: Challenge, verified: VerifiedAssertion, session: Session,
                                           user: UserRecord, client: ClientInfo, at: Date) async throws {
        guard client.clonedAuthenticator != nil else { return }
        var upgraded = session
        upgraded.events.append(AuthenticationEvent(id: "clone-check", factor: .webauthn, traits: verified.traits,
                                                   at: at, deviceID: session.deviceID))
        let assessment = try await risk.assess(user: user, session: upgraded, client: client, at: at)
        var request = ActionRequest(action: challenge.action)
        request.context = risk.context(client, at: at)
        let input = PolicyInput(request: request, subject: subject(for: user), session: upgraded, risk: assessment,
                                now: at)
        let result = engine.decide(policy: policy.current, input: input, grant: nil, hash: Self.sha256Hex)
        guard result.decision.outcome == .deny else { return }
        try await auditor.record("webauthn.cloned_authenticator", at: at, user: user.id, session: session.id,
                                 client: client, details: verified.auditDetails.merging(
                                     ["outcome": "deny", "reason": result.decision.reason,
                                      "rules": result.decision.rules.joined(separator: ",")]) { $1 })
        throw StepUpError.webAuthn("cloned_authenticator", "this passkey's signature counter went backwards, so it "
            + "may have been copied; the policy refuses it: \(result.decision.reason)")
    }
}
