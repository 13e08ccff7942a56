import Foundation
import StepUpCore

/// What StepUp's use cases throw: a kind (a private code the edges switch on through the `is…` accessors),
/// a reason a person can act on, and typed details.
///
/// Only the edges translate it: the JSON API into problem+json (``Problem/init(_:)``), the pages into a form
/// message, the CLI into a line on stderr.
public struct StepUpError: Error, Sendable, CustomStringConvertible {
    enum Code: String, Sendable {
        case invalidCredentials = "invalid-credentials"
        case secondFactorRequired = "second-factor-required"
        case rateLimited = "rate-limited"
        case overloaded = "overloaded"
        case signInDenied = "sign-in-denied"
        case forbidden = "forbidden"
        case stepUpRequired = "step-up-required"
        case notFound = "not-found"
        case conflict = "conflict"
        case badRequest = "bad-request"
        case invalidCode = "invalid-code"
        case challengeFailed = "challenge-failed"
        case challengeExpired = "challenge-expired"
        case challengeNotPending = "challenge-not-pending"
        case factorNotAllowed = "factor-not-allowed"
        case passwordRequired = "password-required"
        case invalidDeviceProof = "invalid-device-proof"
        case invalidRequest = "invalid-request"
        /// A WebAuthn ceremony refused; the type is `webauthn-<identifier>` (see ``webAuthnError``).
        case webAuthn = "webauthn"
    }

    let code: Code
    /// What happened and what to do next.
    public let reason: String
    /// Attempts left on the challenge (wrong codes).
    public var attemptsLeft: Int?
    /// Seconds to wait before trying again (rate limits, overload).
    public var retryAfter: Int?
    /// The challenge to complete (step-up required).
    public var stepUp: StepUpOutcome?
    /// Why a WebAuthn ceremony was refused: a `WebAuthnError` identifier (`origin_not_allowed`, `bad_signature`, …)
    /// or one of the server's own (`unknown_credential`, `ceremony_expired`, `ceremony_reused`, …).
    public var webAuthnError: String?

    init(_ code: Code, _ reason: String, attemptsLeft: Int? = nil, retryAfter: Int? = nil,
         stepUp: StepUpOutcome? = nil) {
        self.code = code
        self.reason = reason
        self.attemptsLeft = attemptsLeft
        self.retryAfter = retryAfter
        self.stepUp = stepUp
    }

    /// The stable problem type name (`https://stepup.dev/problems/<name>`).
    public var typeName: String {
        guard code == .webAuthn, let webAuthnError else { return code.rawValue }
        return "webauthn-" + webAuthnError.replacingOccurrences(of: "_", with: "-")
    }
    public var description: String { "\(code.rawValue): \(reason)" }

    public var isInvalidCredentials: Bool { code == .invalidCredentials }
    public var isRateLimited: Bool { code == .rateLimited }
    public var isOverloaded: Bool { code == .overloaded }
    public var isSecondFactorRequired: Bool { code == .secondFactorRequired }
    public var isWebAuthn: Bool { code == .webAuthn }
    public var isSignInDenied: Bool { code == .signInDenied }
}

extension StepUpError {
    /// The same answer for an unknown user, a disabled user, a wrong password and (over the account's limit) a
    /// wrong one-time code: nothing tells them apart.
    static let invalidCredentials = StepUpError(.invalidCredentials, "the username or password is not correct")

    static func rateLimited(_ reason: String, retryAfter: TimeInterval) -> StepUpError {
        let seconds = max(1, Int(retryAfter.rounded(.up)))
        return StepUpError(.rateLimited, "\(reason); try again in \(seconds) seconds", retryAfter: seconds)
    }

    /// The hashing pool is full: nobody's failure, try again shortly.
    static let overloaded = StepUpError(.overloaded, "StepUp is busy checking other sign-ins; try again in a moment",
                                        retryAfter: 1)

    static func signInDenied(_ reason: String) -> StepUpError { StepUpError(.signInDenied, reason) }
    static func forbidden(_ reason: String) -> StepUpError { StepUpError(.forbidden, reason) }
    static func notFound(_ what: String) -> StepUpError {
        StepUpError(.notFound, "\(what) does not exist or is not yours")
    }
    static func conflict(_ reason: String) -> StepUpError { StepUpError(.conflict, reason) }
    static func badRequest(_ reason: String) -> StepUpError { StepUpError(.badRequest, reason) }
    static func invalidRequest(_ reason: String) -> StepUpError { StepUpError(.invalidRequest, reason) }
    static func stepUpRequired(_ stepUp: StepUpOutcome) -> StepUpError {
        StepUpError(.stepUpRequired, "confirm with a second factor at \(stepUp.challenge.id), then retry",
                    stepUp: stepUp)
    }
    static func invalidCode(attemptsLeft: Int) -> StepUpError {
        StepUpError(.invalidCode, "the code is not valid (or was already used); \(attemptsLeft) attempts left",
                    attemptsLeft: attemptsLeft)
    }
    static let challengeFailed = StepUpError(
        .challengeFailed, "this challenge is closed after too many wrong codes; ask for a new decision",
        attemptsLeft: 0)
    static let challengeExpired = StepUpError(
        .challengeExpired, "this challenge expired; ask for a new decision to get a new one")
    static let challengeNotPending = StepUpError(
        .challengeNotPending, "this challenge is already complete; use its grant or ask for a new decision")
    static func factorNotAllowed(_ allowed: [FactorKind]) -> StepUpError {
        StepUpError(.factorNotAllowed, allowed.isEmpty
            ? "none of your enrolled factors can complete this step-up"
            : "this step-up accepts " + allowed.map(\.rawValue).joined(separator: ", "))
    }
    static let passwordRequired = StepUpError(
        .passwordRequired, "your sign-in is too old for this action: enter your password together with the code")
    static func invalidDeviceProof(_ reason: String) -> StepUpError { StepUpError(.invalidDeviceProof, reason) }
    /// A refused WebAuthn ceremony: `identifier` names why (stable, snake_case), `reason` what to do.
    static func webAuthn(_ identifier: String, _ reason: String, attemptsLeft: Int? = nil) -> StepUpError {
        var error = StepUpError(.webAuthn, reason, attemptsLeft: attemptsLeft)
        error.webAuthnError = identifier
        return error
    }
}
