import Foundation

/// A pending step-up: created by a `step_up` decision, satisfied by verifying a factor.
public struct Challenge: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case pending
        case satisfied
        /// Too many wrong codes; a new decision creates a new challenge.
        case failed
        /// The single-use grant of a satisfied challenge was used.
        case consumed
    }

    public var id: String
    public var userID: String
    public var sessionID: String
    public var action: String
    public var requirement: Requirement
    /// SHA-256 over the canonical bound transaction fields; a grant is valid only for the same hash.
    public var bindingHash: String?
    /// The bound fields, shown on the step-up prompt ("transfer 1,500.00 EUR to ACME Ltd").
    public var display: [String: String]
    public var createdAt: Date
    public var expiresAt: Date
    public var attemptsLeft: Int
    public var status: Status
    public var satisfiedAt: Date?
    public var policyVersion: String
    /// What the ceremony proved, set when the challenge is satisfied; a grant without it is never accepted.
    public var proof: GrantProof?

    public init(
        id: String,
        userID: String,
        sessionID: String,
        action: String,
        requirement: Requirement,
        bindingHash: String? = nil,
        display: [String: String] = [:],
        createdAt: Date,
        expiresAt: Date,
        attemptsLeft: Int = 5,
        status: Status = .pending,
        satisfiedAt: Date? = nil,
        policyVersion: String,
        proof: GrantProof? = nil
    ) {
        self.id = id
        self.userID = userID
        self.sessionID = sessionID
        self.action = action
        self.requirement = requirement
        self.bindingHash = bindingHash
        self.display = display
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.attemptsLeft = attemptsLeft
        self.status = status
        self.satisfiedAt = satisfiedAt
        self.policyVersion = policyVersion
        self.proof = proof
    }

    public func isExpired(at now: Date) -> Bool { now >= expiresAt }
}
