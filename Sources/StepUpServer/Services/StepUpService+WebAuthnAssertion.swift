import Foundation
import StepUpCore
import StepUpWebAuthn

/// An assertion that verified, with what it proved.
struct VerifiedAssertion: Sendable {
    var passkey: Passkey
    var result: AssertionResult
    /// The event's traits from the assertion's flags.
    var traits: FactorTraits { FactorTraits(result.methods) }
    /// What the audit log records about it.
    var auditDetails: [String: String]
}

extension StepUpService {
    /// Checks an assertion against `owner`'s credential and moves its counter.
    ///
    /// A credential that is unknown, not `owner`'s, or not active is `unknown_credential` — one answer for all, so
    /// nothing tells whether a user or credential exists. A counter at or below the stored one (or one a racing
    /// assertion already took) is not stored; it becomes `client.clonedAuthenticator`, the evidence of the
    /// `cloned_authenticator` risk signal every decision of this request sees.
    func verifyAssertion(_ credential: WebAuthnCredentialJSON, challenge: [UInt8], owner: String,
                         client: inout ClientInfo, at: Date) async throws -> VerifiedAssertion {
        let credentialID = try credential.credentialID()
        guard let record = try await stores.factors.factor(id: Passkey.factorID(credentialID: credentialID)),
              record.userID == owner, record.status == .active, let passkey = Passkey(record),
              passkey.credentialID == Base64URL.encode(credentialID)
        else {
            throw StepUpError.webAuthn("unknown_credential", "this passkey is not registered here; sign in another "
                + "way and add it on your account page")
        }
        let result: AssertionResult
        do {
            result = try relyingParty.verifyAssertion(
                challenge: challenge,
                clientDataJSON: credential.bytes(credential.response.clientDataJSON, "response.clientDataJSON"),
                authenticatorData: credential.bytes(credential.response.authenticatorData,
                                                    "response.authenticatorData"),
                signature: credential.bytes(credential.response.signature, "response.signature"),
                credential: passkey.stored, requireUserVerification: relyingParty.userVerification.isRequired)
        } catch let error as WebAuthnError {
            throw error.stepUpError
        }
        var regressed = result.signCountRegressed
        if !regressed, result.signCount > 0 {
            // One conditional UPDATE: the counter must move forward, also against a racing assertion.
            regressed = try await !stores.factors.recordAcceptedStep(factorID: passkey.id,
                                                                     step: Int64(result.signCount), at: at)
        } else if !regressed {
            try await stores.factors.recordFactorUse(id: passkey.id, at: at)
        }
        var details = ["factor": passkey.id, "credential_id": passkey.credentialID,
                       "user_verified": String(result.userVerified), "synced": String(result.backupEligible),
                       "amr": result.methods.amr.joined(separator: " ")]
        if regressed {
            let evidence = "passkey \(passkey.id) reported signature counter \(result.signCount), stored "
                + "\(passkey.signCount)"
            client.clonedAuthenticator = evidence
            details["cloned_authenticator"] = evidence
        }
        return VerifiedAssertion(passkey: passkey, result: result, auditDetails: details)
    }
}
