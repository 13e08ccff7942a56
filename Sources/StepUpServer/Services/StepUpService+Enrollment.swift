import Foundation
import StepUpCore

/// A TOTP enrollment in progress: the secret is shown once, to be put into an authenticator app.
public struct TOTPEnrollment: Sendable {
    public var factorID: String
    public var secret: String
    public var uri: String
}

extension StepUpService {
    /// The action policies see when a user adds factors or new recovery codes.
    public static let manageFactorsAction = "account.factors.manage"
    /// The action policies see when a user removes a device or marks one trusted.
    public static let manageDevicesAction = "account.devices.manage"

    /// Managing factors goes through the policy once the user has a second factor: otherwise a stolen password
    /// session could enroll the attacker's authenticator or print new recovery codes. (A user with no second
    /// factor yet has nothing stronger to prove; the first enrollment is allowed at the session's level.)
    /// Returns a step-up when one is needed.
    public func authorizeFactorChange(session: Session, user: UserRecord, client: ClientInfo,
                                      grantID: String? = nil) async throws -> StepUpOutcome? {
        guard try await !enrolledKinds(userID: user.id).isEmpty else { return nil }
        return try await authorize(Self.manageFactorsAction, session: session, user: user, client: client,
                                   grantID: grantID)
    }

    /// Asks the policy about a self-service `action`: `nil` when allowed, the step-up to complete, or a denial.
    func authorize(_ action: String, session: Session, user: UserRecord, client: ClientInfo,
                   grantID: String? = nil) async throws -> StepUpOutcome? {
        let outcome = try await decide(session: session, user: user, request: ActionRequest(action: action),
                                       grantID: grantID, client: client)
        switch outcome.decision.outcome {
        case .allow: return nil
        case .deny: throw StepUpError.forbidden(outcome.decision.reason)
        case .stepUp:
            guard let stepUp = outcome.stepUp else { throw StepUpError.forbidden(outcome.decision.reason) }
            return stepUp
        }
    }

    public func startTOTPEnrollment(user: UserRecord, client: ClientInfo) async throws -> TOTPEnrollment {
        let at = now()
        let factorID = Tokens.id(prefix: "fac")
        let secret = crypto.newTOTPSecret()
        let settings = configuration.totp
        let record = FactorRecord(
            id: factorID, userID: user.id, kind: .totp, label: "Authenticator app", status: .pending, createdAt: at,
            parameters: ["algorithm": "SHA1", "digits": String(settings.digits), "period": String(settings.period),
                         "window": String(settings.window)],
            sealedSecret: try crypto.seal(secret, owner: user.id, factor: factorID)
        )
        try await stores.factors.addFactor(record)
        try await auditor.record("factor.enrollment_started", at: at, user: user.id, client: client,
                                 details: ["factor": factorID, "kind": "totp"])
        return TOTPEnrollment(factorID: factorID, secret: crypto.base32(secret),
                              uri: crypto.otpauthURI(secret: secret, account: user.username,
                                                     issuer: settings.issuer, parameters: record.parameters))
    }

    /// The key of the user's pending TOTP factor, read back from the store, to show the enrollment form again after a
    /// wrong code; `nil` when there is no such pending factor. Pages never echo a secret or key URI a form posted.
    public func pendingTOTPEnrollment(user: UserRecord, factorID: String) async throws -> TOTPEnrollment? {
        guard factorID.count <= 128, let record = try await stores.factors.factor(id: factorID),
              record.userID == user.id, record.kind == .totp, record.status == .pending,
              let sealed = record.sealedSecret, let secret = try? crypto.open(sealed, owner: user.id, factor: record.id)
        else { return nil }
        return TOTPEnrollment(factorID: factorID, secret: crypto.base32(secret),
                              uri: crypto.otpauthURI(secret: secret, account: user.username,
                                                     issuer: configuration.totp.issuer, parameters: record.parameters))
    }

    /// Activates a pending TOTP factor once the user proves the app shows the right code.
    public func confirmTOTPEnrollment(user: UserRecord, factorID: String, code: String, client: ClientInfo)
        async throws
    {
        let at = now()
        guard factorID.count <= 128, let record = try await stores.factors.factor(id: factorID),
              record.userID == user.id, record.kind == .totp
        else { throw StepUpError.notFound("factor '\(factorID.prefix(64))'") }
        guard record.status == .pending else { throw StepUpError.conflict("this factor is already active") }
        // Paid before it is checked, like every code.
        let receipt = try await spendCodeGuess(user: user, client: client, at: at)
        guard let sealed = record.sealedSecret,
              let secret = try? crypto.open(sealed, owner: user.id, factor: record.id),
              let step = crypto.verifyTOTP(secret: secret, parameters: record.parameters, code: code,
                                           lastStep: record.lastAcceptedStep, at: at),
              try await stores.factors.recordAcceptedStep(factorID: record.id, step: step, at: at)
        else {
            try await auditor.record("factor.enrollment_failed", at: at, user: user.id, client: client,
                                     details: ["factor": factorID])
            throw StepUpError(.invalidCode, "the code does not match; check the app's clock and try the current code")
        }
        try await stores.budgets.refund(receipt)
        try await stores.factors.activateFactor(id: record.id)
        try await auditor.record("factor.enrolled", at: at, user: user.id, client: client,
                                 details: ["factor": factorID, "kind": "totp"])
    }

    /// Replaces the user's recovery codes with a new set; returns the codes (shown once, stored only as hashes).
    public func regenerateRecoveryCodes(user: UserRecord, client: ClientInfo) async throws -> [String] {
        let at = now()
        let codes = crypto.newRecoveryCodes()
        var records: [RecoveryCodeRecord] = []
        for code in codes {
            records.append(RecoveryCodeRecord(id: Tokens.id(prefix: "rc"), userID: user.id,
                                              hash: try await crypto.hashRecoveryCode(code), createdAt: at))
        }
        try await stores.recoveryCodes.replaceRecoveryCodes(userID: user.id, with: records)
        try await auditor.record("factor.recovery_codes_generated", at: at, user: user.id, client: client,
                                 details: ["count": String(codes.count)])
        return codes
    }
}
