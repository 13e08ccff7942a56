import Foundation
import SQLKit
import StepUpCore

/// Every status change is one conditional `UPDATE … WHERE status = <expected> RETURNING`: racing requests
/// cannot both spend the last attempt, both satisfy, or both consume a grant.
extension SQLStore: ChallengeStore {
    /// Through the group committer, like the decision's audit event that usually comes with it.
    public func createChallenge(_ challenge: Challenge) async throws {
        try await commit(UnitOfWork(challenges: [challenge]))
    }

    public func challenge(id: String) async throws -> Challenge? {
        try await withDatabase { database in
            try await database.raw("SELECT * FROM challenges WHERE id = \(bind: id)").first().map(Self.challenge)
        }
    }

    public func reserveAttempt(challengeID: String, at: Date) async throws -> Challenge? {
        try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE challenges SET attempts_left = attempts_left - 1
                WHERE id = \(bind: challengeID) AND status = \(bind: Challenge.Status.pending.rawValue)
                    AND attempts_left > 0 AND expires_at > \(bind: at.sqlSeconds)
                RETURNING *
                """).all().first.map(Self.challenge)
        }
    }

    public func closeIfExhausted(challengeID: String) async throws -> Challenge? {
        try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE challenges SET status = CASE
                    WHEN status = \(bind: Challenge.Status.pending.rawValue) AND attempts_left <= 0
                    THEN \(bind: Challenge.Status.failed.rawValue) ELSE status END
                WHERE id = \(bind: challengeID)
                RETURNING *
                """).all().first.map(Self.challenge)
        }
    }

    public func markSatisfied(challengeID: String, at: Date, proof: GrantProof?) async throws -> Bool {
        let text = try proof.map { try jsonText($0) }
        return try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE challenges SET status = \(bind: Challenge.Status.satisfied.rawValue),
                    satisfied_at = \(bind: at.sqlSeconds), proof = \(bind: text)
                WHERE id = \(bind: challengeID) AND status = \(bind: Challenge.Status.pending.rawValue)
                RETURNING id
                """).all().isEmpty == false
        }
    }

    public func consumeGrant(challengeID: String, at: Date) async throws -> Bool {
        try await transition(challengeID, from: .satisfied, to: .consumed, timeColumn: "consumed_at", at: at)
    }

    private func transition(_ id: String, from: Challenge.Status, to: Challenge.Status, timeColumn: String,
                            at: Date) async throws -> Bool {
        try await withDatabase(.write) { database in
            try await database.raw("""
                UPDATE challenges SET status = \(bind: to.rawValue), \(ident: timeColumn) = \(bind: at.sqlSeconds)
                WHERE id = \(bind: id) AND status = \(bind: from.rawValue)
                RETURNING id
                """).all().isEmpty == false
        }
    }

    static func challenge(_ row: any SQLRow) throws -> Challenge {
        guard let status = Challenge.Status(rawValue: try row.string("status")) else {
            throw StoreError.backend("challenge has an unknown status")
        }
        return Challenge(
            id: try row.string("id"), userID: try row.string("user_id"), sessionID: try row.string("session_id"),
            action: try row.string("action"), requirement: try row.json("requirement", as: Requirement.self),
            bindingHash: try row.optionalString("binding_hash"),
            display: try row.json("display", as: [String: String].self), createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at"), attemptsLeft: Int(clamping: try row.int64("attempts_left")),
            status: status, satisfiedAt: try row.optionalDate("satisfied_at"),
            policyVersion: try row.string("policy_version"),
            proof: try row.optionalJSON("proof", as: GrantProof.self))
    }
}
