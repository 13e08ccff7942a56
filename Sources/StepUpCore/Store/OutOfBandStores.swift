import Foundation

/// A one-time code sent out of band (e-mail, SMS), stored sealed and bound to its scope.
///
/// The scope is what the code may complete: `challenge:<id>` for a step-up, `enroll:<factor id>` for the
/// verification of a new address. The code is sealed with the scope as associated data, so a row moved to another
/// scope no longer opens.
public struct OneTimeCodeRecord: Sendable, Hashable {
    public var id: String
    public var userID: String
    public var factorID: String
    public var scope: String
    public var sealedCode: Data
    public var createdAt: Date
    public var expiresAt: Date
    public var usedAt: Date?

    public init(id: String, userID: String, factorID: String, scope: String, sealedCode: Data, createdAt: Date,
                expiresAt: Date, usedAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.factorID = factorID
        self.scope = scope
        self.sealedCode = sealedCode
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}

/// One-time codes sent out of band.
public protocol OneTimeCodeStore: Sendable {
    func addCode(_ code: OneTimeCodeRecord) async throws
    /// The unused, unexpired codes of `scope`, newest first.
    func openCodes(scope: String, at: Date) async throws -> [OneTimeCodeRecord]
    /// Atomically marks an unused, unexpired code used; `false` when it was used already or expired (single use:
    /// of N racing submissions of one code, one gets `true`).
    func consumeCode(id: String, at: Date) async throws -> Bool
}

/// A message accepted for delivery: written to the database before anything is sent, so a crash loses none.
public struct OutboxMessage: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for its first or next attempt.
        case pending
        case sent
        /// Given up (a permanent refusal or too many attempts); `stepup outbox retry` puts it back.
        case failed
    }

    public var id: String
    /// Unique: enqueuing the same key twice stores one message. Channels pass it on (Message-ID, an
    /// `Idempotency-Key` header) so a receiver can drop a repeat after a crash between its answer and our record.
    public var idempotencyKey: String
    /// The channel name (`email`, `sms`, …).
    public var channel: String
    /// The message (recipient, subject, body), sealed: it carries a code.
    public var sealedPayload: Data
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(id: String, idempotencyKey: String, channel: String, sealedPayload: Data, status: Status = .pending,
                attempts: Int = 0, nextAttemptAt: Date, lastError: String? = nil, createdAt: Date,
                sentAt: Date? = nil) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.channel = channel
        self.sealedPayload = sealedPayload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

/// The durable outbox. Every transition is one conditional statement, so several instances can drain one outbox.
public protocol OutboxStore: Sendable {
    /// Stores the message; `false`, storing nothing, when its idempotency key is already there.
    func enqueue(_ message: OutboxMessage) async throws -> Bool
    /// Takes up to `limit` pending messages due at `at` and pushes their next attempt `lease` seconds on (counting
    /// the attempt): a sender that crashes mid-send leaves the message to be taken again after the lease, and two
    /// instances never take the same message at once.
    func claimDue(at: Date, lease: TimeInterval, limit: Int) async throws -> [OutboxMessage]
    func markSent(id: String, at: Date) async throws
    /// Records a failed attempt: pending again at `retryAt`, or `failed` for good when `retryAt` is nil.
    func markFailed(id: String, error: String, retryAt: Date?) async throws
    /// Newest first; all statuses when `status` is nil.
    func outboxMessages(status: OutboxMessage.Status?, limit: Int) async throws -> [OutboxMessage]
    /// Puts failed messages (one, or all when `id` is nil) back to pending, due at `at`; returns how many.
    func retryFailed(id: String?, at: Date) async throws -> Int
}
