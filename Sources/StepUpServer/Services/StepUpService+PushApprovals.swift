import Foundation
import StepUpCore
import StepUpCrypto

/// A push prompt as an open approver page shows it: what is being approved and the three numbers to pick from.
public struct PendingApproval: Sendable, Codable, Hashable {
    public var challengeID: String
    public var choices: [Int]
    public var message: String
    public var context: String
    public var bindingHash: String
    public var expiresAt: Int

    enum CodingKeys: String, CodingKey {
        case challengeID = "challenge_id", choices, message, context, bindingHash = "binding_hash"
        case expiresAt = "expires_at"
    }
}

extension StepUpService {
    /// The scope under which a user's open prompts are listed for approver pages (one sealed row per prompt, so
    /// every instance sharing the database sees them: nothing lives only in one process's memory).
    static func approvalListScope(_ userID: String) -> String { "approvals:" + userID }

    /// Lists a new prompt for the user's open approver pages.
    func listApproval(_ approval: PendingApproval, userID: String, at: Date, expires: Date) async throws {
        let scope = Self.approvalListScope(userID)
        try await stores.codes.addCode(OneTimeCodeRecord(
            id: Tokens.id(prefix: "apl"), userID: userID, factorID: "", scope: scope,
            sealedCode: try crypto.seal(Array(try JSONEncoder().encode(approval)), owner: userID, factor: scope),
            createdAt: at, expiresAt: expires))
    }

    /// The prompts an approver page of `userID` should show now: listed, unexpired, their challenge still pending
    /// and their number not yet used; for a challenge prompted twice, the newest prompt. Oldest first.
    public func pendingApprovals(userID: String) async throws -> [PendingApproval] {
        let at = now()
        let scope = Self.approvalListScope(userID)
        var approvals: [PendingApproval] = []
        for record in try await stores.codes.openCodes(scope: scope, at: at) where record.userID == userID {
            guard let bytes = try? crypto.open(record.sealedCode, owner: userID, factor: scope),
                  let approval = try? JSONDecoder().decode(PendingApproval.self, from: Data(bytes)),
                  !approvals.contains(where: { $0.challengeID == approval.challengeID }),
                  let challenge = try await stores.challenges.challenge(id: approval.challengeID),
                  challenge.userID == userID, challenge.status == .pending, !challenge.isExpired(at: at),
                  let number = try await pushNumber(challengeID: challenge.id, userID: userID),
                  approval.choices.contains(Int(number) ?? -1)
            else { continue }
            approvals.append(approval)
        }
        return approvals.reversed()
    }

    /// The user's active approvers as `device key → factor id`: an approver page finds its own factor by the
    /// public half of the key it holds.
    public func approverKeys(userID: String) async throws -> [String: String] {
        var keys: [String: String] = [:]
        for factor in try await stores.factors.factors(userID: userID)
        where factor.kind == .push && factor.status == .active {
            if let key = factor.parameters["device_key"] { keys[key] = factor.id }
        }
        return keys
    }

    /// A budget for answers to push prompts (per client address and per challenge), spent before the signature is
    /// checked: a forger or a number-guesser gets a 429 with `Retry-After` long before it learns anything.
    func spendAnswerBudget(challengeID: String, client: ClientInfo, at: Date) async throws -> [BudgetReceipt] {
        let push = configuration.push
        var receipts: [BudgetReceipt] = []
        for (key, limit) in [("push-answer:ip:" + (client.ip ?? "unknown"), push.answersPerAddress),
                             ("push-answer:chl:" + String(challengeID.prefix(128)), push.answersPerChallenge)] {
            switch try await stores.budgets.spend(key: key, limit: limit, window: 600, at: at) {
            case .spent(let receipt, _): receipts.append(receipt)
            case .exhausted(let retryAfter):
                for receipt in receipts { try await stores.budgets.refund(receipt) }
                throw StepUpError.rateLimited("too many answers to approval requests", retryAfter: retryAfter)
            }
        }
        return receipts
    }
}
