import HTTPTypes
import StepUpCore

extension Problem {
    /// The one place a use-case error becomes an HTTP answer.
    init(_ error: StepUpError) {
        let status: HTTPResponse.Status
        let title: String
        switch error.code {
        case .invalidCredentials: (status, title) = (.unauthorized, "Sign-in failed")
        case .secondFactorRequired: (status, title) = (.unauthorized, "A one-time code is required")
        case .rateLimited: (status, title) = (.tooManyRequests, "Too many attempts")
        case .overloaded: (status, title) = (.serviceUnavailable, "Busy")
        case .signInDenied: (status, title) = (.forbidden, "Sign-in refused")
        case .forbidden: (status, title) = (.forbidden, "Forbidden")
        case .stepUpRequired: (status, title) = (.forbidden, "Step-up required")
        case .notFound: (status, title) = (.notFound, "Not found")
        case .conflict: (status, title) = (.conflict, "Conflict")
        case .badRequest: (status, title) = (.badRequest, "Bad request")
        case .invalidRequest: (status, title) = (.badRequest, "The request is not valid")
        case .invalidCode: (status, title) = (.unauthorized, "Wrong code")
        case .challengeFailed: (status, title) = (.forbidden, "Too many wrong codes")
        case .challengeExpired: (status, title) = (.gone, "Challenge expired")
        case .challengeNotPending: (status, title) = (.conflict, "Challenge already finished")
        case .factorNotAllowed: (status, title) = (.badRequest, "Factor not allowed here")
        case .passwordRequired: (status, title) = (.unauthorized, "Password required")
        case .invalidDeviceProof: (status, title) = (.badRequest, "Device proof rejected")
        case .webAuthn: (status, title) = (Self.webAuthnStatus(error.webAuthnError ?? ""), "Passkey refused")
        }
        var extra: [String: Member] = [:]
        var headers: HTTPFields = [:]
        if let left = error.attemptsLeft { extra["attempts_left"] = .int(left) }
        if let identifier = error.webAuthnError { extra["webauthn_error"] = .string(identifier) }
        if let retry = error.retryAfter {
            extra["retry_after"] = .int(retry)
            headers[.retryAfter] = String(retry)
        }
        self.init(status, type: error.typeName, title: title, detail: error.reason, extra: extra, headers: headers)
    }

    /// Malformed input is 400; a proof that does not hold 401; what the policy (attestation, a cloned key, a level
    /// a synced passkey cannot reach) refuses 403; a ceremony already used 409, one too old 410.
    static func webAuthnStatus(_ identifier: String) -> HTTPResponse.Status {
        switch identifier {
        case "challenge_mismatch", "origin_not_allowed", "cross_origin_not_allowed", "rp_id_mismatch",
             "user_not_present", "user_not_verified", "bad_signature", "unknown_credential":
            return .unauthorized
        case "attestation_not_trusted", "aaguid_not_allowed", "cloned_authenticator", "level_not_reached",
             "ceremony_not_yours":
            return .forbidden
        case "ceremony_reused", "credential_exists": return .conflict
        case "ceremony_expired": return .gone
        default: return .badRequest
        }
    }
}
