import Foundation
import StepUpCore
import StepUpWebAuthn

extension StepUpService {
    /// StepUp as a relying party, as configured (`webauthn:`; defaults from `server.public_url`).
    var relyingParty: RelyingParty { configuration.relyingParty }

    /// Starts a passkey registration for the signed-in user: the sealed ceremony and the creation options.
    ///
    /// The caller has already asked ``authorizeFactorChange(session:user:client:grantID:)``. The user handle is the
    /// StepUp user id (what a discoverable credential hands back at usernameless sign-in); credentials the user
    /// already has are excluded, so one authenticator is registered once.
    public func webAuthnRegistrationOptions(session: Session, user: UserRecord) async throws
        -> WebAuthnCeremonyOptions
    {
        let party = relyingParty
        let ceremony = WebAuthnCeremony.new(.registration, userID: user.id, sessionID: session.id,
                                            lifetime: configuration.webAuthn.timeout, at: now())
        let existing = try await passkeys(of: user.id)
        let options = WebAuthnOptionsJSON(
            challenge: ceremony.nonce, timeout: party.timeoutMilliseconds,
            rp: .init(id: party.id, name: party.name),
            user: .init(id: Base64URL.encode(Array(user.id.utf8)), name: user.username, displayName: user.displayName),
            pubKeyCredParams: [COSEAlgorithm.es256, .eddsa, .rs256].map { .init(alg: Int($0.rawValue)) },
            excludeCredentials: existing.map(\.descriptor),
            authenticatorSelection: .init(userVerification: party.userVerification.rawValue),
            attestation: party.attestation.requirement == .trusted ? "direct" : "none")
        return WebAuthnCeremonyOptions(ceremony: try crypto.seal(ceremony), publicKey: options)
    }

    /// Finishes a registration: the ceremony is spent, the response verified (client data, authenticator data,
    /// attestation under the configured policy), and the credential stored as an active `webauthn` factor.
    @discardableResult
    public func registerWebAuthn(ceremony token: String, credential: WebAuthnCredentialJSON, name: String?,
                                 session: Session, user: UserRecord, client: ClientInfo) async throws -> FactorRecord
    {
        let at = now()
        let ceremony = try await redeem(token, .registration, at: at)
        guard ceremony.userID == user.id, ceremony.sessionID == session.id else {
            throw StepUpError.webAuthn("ceremony_not_yours", "this registration was started by another session; "
                + "start it again")
        }
        let label = try Self.passkeyLabel(name) ?? "Passkey"
        let registered: RegisteredCredential
        do {
            registered = try await relyingParty.verifyRegistration(
                challenge: ceremony.nonceBytes, clientDataJSON: credential.bytes(credential.response.clientDataJSON,
                                                                                 "response.clientDataJSON"),
                attestationObject: credential.bytes(credential.response.attestationObject,
                                                    "response.attestationObject"),
                requireUserVerification: relyingParty.userVerification.isRequired, now: at)
        } catch let error as WebAuthnError {
            try await auditor.record("factor.enrollment_failed", at: at, user: user.id, session: session.id,
                                     client: client, details: ["kind": "webauthn", "error": error.identifier])
            throw error.stepUpError
        }
        let record = Passkey.record(registered, userID: user.id, label: label,
                                    transports: credential.response.transports ?? [], at: at)
        do {
            try await stores.factors.addFactor(record)
        } catch let error as StoreError where error == .conflict("factor \(record.id)") {
            throw StepUpError.webAuthn("credential_exists", "this passkey is already registered")
        }
        try await auditor.record("factor.enrolled", at: at, user: user.id, session: session.id, client: client,
                                 details: ["factor": record.id, "kind": "webauthn",
                                           "credential_id": Base64URL.encode(registered.credentialId),
                                           "aaguid": registered.aaguid.description,
                                           "synced": String(registered.backupEligible),
                                           "user_verified": String(registered.userVerified),
                                           "attestation": registered.attestationFormat.rawValue
                                               + (registered.attestationTrusted ? " (trusted)" : "")])
        return record
    }

    /// The user's active WebAuthn credentials, oldest first.
    func passkeys(of userID: String) async throws -> [Passkey] {
        try await stores.factors.factors(userID: userID).filter { $0.status == .active }.compactMap(Passkey.init)
    }

    /// Opens a ceremony token and spends it — before anything it carries is checked — so it works once, however
    /// many answers race. Expired and foreign tokens are refused without spending anything.
    func redeem(_ token: String, _ purpose: WebAuthnCeremony.Purpose, at: Date) async throws -> WebAuthnCeremony {
        guard let ceremony = crypto.openCeremony(token, purpose: purpose) else {
            throw StepUpError.webAuthn("ceremony_invalid", "the 'ceremony' is not one this server started for this "
                + "step; ask for new options")
        }
        guard !ceremony.isExpired(at: at) else {
            throw StepUpError.webAuthn("ceremony_expired", "this passkey ceremony expired; ask for new options")
        }
        guard try await stores.budgets.useOnce("webauthn:" + ceremony.nonce,
                                               lifetime: configuration.webAuthn.timeout + 60, at: at)
        else {
            throw StepUpError.webAuthn("ceremony_reused", "this passkey ceremony was already answered; ask for new "
                + "options")
        }
        return ceremony
    }

    /// A passkey name as typed: trimmed, 1–64 characters, no control characters; `nil` for none given.
    static func passkeyLabel(_ name: String?) throws -> String? {
        guard let name = name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else { return nil }
        guard name.count <= 64, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw StepUpError.invalidRequest("a passkey name has at most 64 characters and no control characters") }
        return name
    }
}
