import Foundation
import StepUpCore

/// The out-of-band code factors' use cases: enroll a destination (proven with a code), send a code for a challenge.
extension StepUpService {
    private func requireOutOfBand(_ factor: FactorKind) throws -> OutOfBandKind {
        guard let kind = outOfBand(factor), kind.enabled else {
            throw StepUpError.forbidden("\(factor.rawValue) codes are not configured on this server")
        }
        return kind
    }

    /// Spends the send budgets of `destination` and the account; 429 with the wait when one is used up.
    private func spendSendBudgets(_ kind: OutOfBandKind, destination: String, user: UserRecord, client: ClientInfo,
                                  at: Date) async throws {
        var budgets: [(key: String, limit: Int, what: String)] = [
            ("send:account:" + user.id, kind.perAccount, "too many codes were sent for this account"),
            ("send:to:" + Self.sha256Hex(destination.lowercased()), kind.perDestination,
             "too many codes were sent to this \(kind.destinationName)"),
        ]
        if let prefix = kind.perPrefix {
            // SMS pumping: many numbers of one (premium) range. The budget is shared by every account.
            budgets.append(("send:prefix:" + destination.prefix(prefix.digits), prefix.limit,
                            "too many codes were sent to numbers starting \(destination.prefix(prefix.digits))"))
        }
        for budget in budgets {
            if case .exhausted(let retryAfter) = try await stores.budgets.spend(key: budget.key, limit: budget.limit,
                                                                                window: 3_600, at: at) {
                try await auditor.record("codes.send_throttled", at: at, user: user.id, client: client,
                                         details: ["budget": String(budget.key.split(separator: ":")[1]),
                                                   "kind": kind.factor.rawValue])
                throw StepUpError.rateLimited(budget.what, retryAfter: retryAfter)
            }
        }
    }

    /// Starts adding a destination (or replacing the current one): a pending factor, and a code sent to it. The
    /// caller has asked the policy first (``authorizeFactorChange(session:user:client:grantID:)``).
    public func startCodeEnrollment(_ factor: FactorKind, user: UserRecord, destination: String,
                                    client: ClientInfo) async throws -> SentCode {
        let kind = try requireOutOfBand(factor)
        let destination = try kind.normalize(destination).get()
        let at = now()
        try await spendSendBudgets(kind, destination: destination, user: user, client: client, at: at)
        let factorID = Tokens.id(prefix: "fac")
        let masked = kind.mask(destination)
        try await stores.factors.addFactor(FactorRecord(
            id: factorID, userID: user.id, kind: factor, label: "\(kind.label) \(masked)", status: .pending,
            createdAt: at, parameters: ["destination": masked],
            sealedSecret: try crypto.seal(Array(destination.utf8), owner: user.id, factor: factorID)))
        let expires = try await issueCode(
            user: user, factorID: factorID, scope: Self.enrollmentScope(factorID), digits: kind.digits,
            lifetime: kind.lifetime, channel: kind.channel, to: destination, at: at
        ) { code in
            (kind.subject("verify this \(kind.destinationName)"), "\(code) verifies this \(kind.destinationName) for StepUp. "
                + "If you did not ask for this, ignore this message.")
        }
        try await auditor.record("factor.enrollment_started", at: at, user: user.id, client: client,
                                 details: ["factor": factorID, "kind": factor.rawValue])
        return SentCode(factorID: factorID, destination: masked, expiresAt: expires)
    }

    /// Activates a pending code factor with the code sent to it; the user's other factors of that kind are removed
    /// (the new destination replaces the old one).
    public func confirmCodeEnrollment(user: UserRecord, factorID: String, kind: FactorKind? = nil, code: String,
                                      client: ClientInfo) async throws
    {
        let at = now()
        let record = try await ownFactor(factorID, of: user)
        // An e-mail factor is confirmed at its own URL only, and an SMS factor at its own.
        guard outOfBand(record.kind) != nil, kind.map({ $0 == record.kind }) ?? true else {
            throw StepUpError.notFound("factor '\(factorID.prefix(64))'")
        }
        guard record.status == .pending else { throw StepUpError.conflict("this factor is already active") }
        let receipt = try await spendCodeGuess(user: user, client: client, at: at)
        guard try await consumeCode(code, user: user, scope: Self.enrollmentScope(record.id), at: at) else {
            try await auditor.record("factor.enrollment_failed", at: at, user: user.id, client: client,
                                     details: ["factor": factorID])
            throw StepUpError(.invalidCode, "the code does not match or has expired; ask for a new one")
        }
        try await stores.budgets.refund(receipt)
        try await stores.factors.activateFactor(id: record.id)
        for old in try await stores.factors.factors(userID: user.id) where old.kind == record.kind && old.id != record.id {
            try await stores.factors.removeFactor(id: old.id)
        }
        try await auditor.record("factor.enrolled", at: at, user: user.id, client: client,
                                 details: ["factor": record.id, "kind": record.kind.rawValue])
    }

    /// Sends a code for `challengeID` to the user's destination for `factor`. The code works for this challenge
    /// only, once, until it expires (never after the challenge); the message names the transaction when the
    /// challenge is bound.
    public func sendChallengeCode(challengeID: String, factor: FactorKind, session: Session, user: UserRecord,
                                  client: ClientInfo) async throws -> SentCode {
        let at = now()
        guard let challenge = try await challenge(id: challengeID, for: session) else {
            throw StepUpError.notFound("challenge '\(challengeID.prefix(64))'")
        }
        try Self.requireOpen(challenge, at: at)
        let plan = try await plan(for: challenge, session: session)
        guard let kind = outOfBand(factor), kind.enabled, let plan, plan.factors.contains(factor) else {
            throw StepUpError.factorNotAllowed((plan?.factors ?? []).sorted())
        }
        guard let record = try await stores.factors.factors(userID: user.id)
                  .last(where: { $0.kind == factor && $0.status == .active }),
              let sealed = try await stores.factors.factor(id: record.id)?.sealedSecret,
              let opened = try? crypto.open(sealed, owner: user.id, factor: record.id)
        else { throw StepUpError.factorNotAllowed([]) }
        let destination = String(decoding: opened, as: UTF8.self)
        try await spendSendBudgets(kind, destination: destination, user: user, client: client, at: at)
        let purpose = Self.codePurpose(challenge)
        let lifetime = min(kind.lifetime, challenge.expiresAt.timeIntervalSince(at))
        let expires = try await issueCode(
            user: user, factorID: record.id, scope: Self.challengeScope(challenge.id), digits: kind.digits,
            lifetime: lifetime, channel: kind.channel, to: destination, at: at
        ) { code in
            (kind.subject(purpose), "\(code) \(purpose). It works once, for \(max(1, Int(lifetime / 60))) minutes. "
                + "Never give it to anyone: StepUp never asks for it.")
        }
        try await auditor.record("challenge.code_sent", at: at, user: user.id, session: session.id, client: client,
                                 details: ["challenge": challenge.id, "factor": record.id, "kind": factor.rawValue])
        return SentCode(factorID: record.id, destination: record.parameters["destination"] ?? "", expiresAt: expires)
    }
}
