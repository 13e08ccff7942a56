import Foundation
import StepUpCore
import StepUpWebAuthn

extension StepUpService {
    /// Options for a usernameless passkey sign-in (also the login page's autofill): no user is named and no
    /// credential listed, so the options tell nothing about who has an account.
    public func webAuthnSignInOptions() throws -> WebAuthnCeremonyOptions {
        let party = relyingParty
        let ceremony = WebAuthnCeremony.new(.signIn, lifetime: configuration.webAuthn.timeout, at: now())
        let options = WebAuthnOptionsJSON(challenge: ceremony.nonce, timeout: party.timeoutMilliseconds,
                                          rpId: party.id, allowCredentials: [],
                                          userVerification: party.userVerification.rawValue)
        return WebAuthnCeremonyOptions(ceremony: try crypto.seal(ceremony), publicKey: options)
    }

    /// Signs in with a discoverable credential: the user is the assertion's user handle (a StepUp user id).
    ///
    /// The same path as a password sign-in after the proof: a blocked address is refused, a unit of the address's
    /// failure budget is paid before the assertion is checked (and handed back when it holds), failures feed the
    /// risk counters, and the policy decides `auth.login` — with the assertion's own traits and, when its counter
    /// went backwards, the `cloned_authenticator` signal — before a session is issued, pending or usable.
    public func signInWithPasskey(ceremony token: String, credential: WebAuthnCredentialJSON, client: ClientInfo)
        async throws -> LoginResult
    {
        let started = now()
        var client = try await signInClient(client, at: started)
        let ceremony = try await redeem(token, .signIn, at: started)
        let receipt = try await spendAddressBudget(client, at: started)
        let handle = credential.response.userHandle.flatMap(Base64URL.decode)
            .map { String(decoding: $0, as: UTF8.self) }
        let candidate = try await handle.asyncMap { try await stores.credentials.user(id: $0) } ?? nil
        let verified: VerifiedAssertion
        do {
            guard let user = candidate, !user.disabled else {
                throw StepUpError.webAuthn("unknown_credential", "this passkey is not registered here; sign in "
                    + "another way and add it on your account page")
            }
            verified = try await verifyAssertion(credential, challenge: ceremony.nonceBytes, owner: user.id,
                                                 client: &client, at: started)
        } catch let error as StepUpError {
            metrics.login("failure")
            let userID = candidate.flatMap { $0.disabled ? nil : $0.id }
            try await risk.recordFailure(userID: userID, username: candidate?.username ?? "", ip: client.ip,
                                         at: started)
            try await auditor.record("login.failed", at: started, user: userID, client: client,
                                     details: ["reason": "passkey: " + (error.webAuthnError ?? error.typeName),
                                               "factor": "webauthn"])
            throw error
        }
        try await stores.budgets.refund(receipt)
        guard let user = candidate else { throw StepUpError.invalidCredentials }
        if client.clonedAuthenticator != nil {
            try await auditor.record("webauthn.cloned_authenticator", at: started, user: user.id, client: client,
                                     details: verified.auditDetails.merging(["ceremony": "sign-in"]) { $1 })
        }
        do {
            return try await issueSession(user: user, factors: [.webauthn], traits: [.webauthn: verified.traits],
                                          client: &client, at: now())
        } catch let error as StepUpError where error.isSignInDenied && client.clonedAuthenticator != nil {
            throw StepUpError.webAuthn("cloned_authenticator", "this passkey's signature counter went backwards, so "
                + "it may have been copied; the policy refuses the sign-in: \(error.reason)")
        }
    }
}
