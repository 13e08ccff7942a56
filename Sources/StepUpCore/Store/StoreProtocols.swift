import Foundation

// Small protocols, each owned by its user; a privileged variant where a secret can be read.
// Every store has an in-memory implementation and runs the shared conformance suite.
// Methods that guard a security property (replay, single use, attempts) are atomic in every backend.

/// Users without secrets.
public protocol UserStore: Sendable {
    /// Throws ``StoreError/conflict`` when the username is taken.
    func createUser(_ user: UserRecord, passwordHash: String?) async throws
    func user(id: String) async throws -> UserRecord?
    /// Case-insensitive.
    func user(username: String) async throws -> UserRecord?
    func listUsers() async throws -> [UserRecord]
    /// Throws ``StoreError/notFound``.
    func setDisabled(userID: String, _ disabled: Bool) async throws
    func setRoles(userID: String, _ roles: [String]) async throws
}

/// Users with their password hashes (PHC strings).
public protocol CredentialStore: UserStore {
    func passwordHash(userID: String) async throws -> String?
    func setPasswordHash(userID: String, _ phc: String) async throws
}

/// Factors without their secrets.
public protocol FactorStore: Sendable {
    func addFactor(_ factor: FactorRecord) async throws
    /// All factors of a user, oldest first, with `sealedSecret` nil.
    func factors(userID: String) async throws -> [FactorRecord]
    func activateFactor(id: String) async throws
    func removeFactor(id: String) async throws
    /// Atomically records that OTP step (or counter) `step` was accepted.
    /// Returns `false`, changing nothing, when a step `>= step` was already recorded: a replay.
    /// (A WebAuthn credential's signature counter uses the same column: it must move forward.)
    func recordAcceptedStep(factorID: String, step: Int64, at: Date) async throws -> Bool
    /// Gives the factor a new label (the name a user chose for a passkey). Throws ``StoreError/notFound``.
    func renameFactor(id: String, label: String) async throws
    /// Records a use that moves no counter (a passkey that keeps no signature counter). Throws
    /// ``StoreError/notFound``.
    func recordFactorUse(id: String, at: Date) async throws
}

/// Factors with their sealed secrets.
public protocol FactorSecretStore: FactorStore {
    func factor(id: String) async throws -> FactorRecord?
}

public protocol RecoveryCodeStore: Sendable {
    /// Replaces a user's whole set (old codes stop working).
    func replaceRecoveryCodes(userID: String, with codes: [RecoveryCodeRecord]) async throws
    func unusedRecoveryCodes(userID: String) async throws -> [RecoveryCodeRecord]
    /// Atomically marks a code used; `false` if it was already used (or does not exist).
    func consumeRecoveryCode(id: String, at: Date) async throws -> Bool
}

public protocol SessionStore: Sendable {
    /// `tokenHash` is the SHA-256 of the bearer token / cookie value; the token itself is never stored.
    func createSession(_ session: Session, tokenHash: String) async throws
    func session(tokenHash: String) async throws -> Session?
    func session(id: String) async throws -> Session?
    func appendEvent(sessionID: String, _ event: AuthenticationEvent) async throws
    func touchSession(id: String, at: Date) async throws
    func revokeSession(id: String, at: Date) async throws
    /// Gives the session a new token (the old one stops working): a fresh cookie value after every
    /// authentication, so a planted session id is worth nothing (no session fixation).
    func replaceSessionToken(id: String, newTokenHash: String) async throws
    /// Atomically completes a pending sign-in: clears `pendingChallengeID` if it is `challengeID`.
    /// `false` when the session was not waiting for that challenge.
    func activateSession(id: String, challengeID: String) async throws -> Bool
}

public protocol ChallengeStore: Sendable {
    func createChallenge(_ challenge: Challenge) async throws
    func challenge(id: String) async throws -> Challenge?
    /// Atomically spends one attempt of a pending, unexpired challenge *before* the answer is checked; returns
    /// the challenge with the attempts left after this one, or `nil` when no attempt can be spent (not pending,
    /// expired, or none left). N concurrent answers never evaluate more than the attempts the challenge had.
    func reserveAttempt(challengeID: String, at: Date) async throws -> Challenge?
    /// After a wrong answer: a pending challenge with no attempts left becomes `failed`. Returns the challenge.
    func closeIfExhausted(challengeID: String) async throws -> Challenge?
    /// Atomically moves a pending challenge to `satisfied`, recording what was proven; `false` if it was not
    /// pending.
    func markSatisfied(challengeID: String, at: Date, proof: GrantProof?) async throws -> Bool
    /// Atomically moves a satisfied challenge to `consumed`; `false` if it was not satisfied (single use).
    func consumeGrant(challengeID: String, at: Date) async throws -> Bool
}

extension ChallengeStore {
    public func markSatisfied(challengeID: String, at: Date) async throws -> Bool {
        try await markSatisfied(challengeID: challengeID, at: at, proof: nil)
    }
}

public protocol DeviceStore: Sendable {
    func device(userID: String, deviceID: String) async throws -> DeviceRecord?
    /// Inserts the device or updates its `lastSeen` (reinstating a revoked one: it just proved itself again);
    /// returns the stored record.
    @discardableResult
    func recordDeviceSeen(userID: String, deviceID: String, label: String, at: Date) async throws -> DeviceRecord
    /// Trusts the device until `until`; a revoked device is reinstated (an admin vouches for it again).
    func trustDevice(userID: String, deviceID: String, until: Date) async throws
    /// The device is forgotten: it counts as new at its next use, until a step-up on it succeeds again.
    func revokeDevice(userID: String, deviceID: String) async throws
    func devices(userID: String) async throws -> [DeviceRecord]
}

/// Append-only, hash-chained audit log.
public protocol AuditStore: Sendable {
    @discardableResult
    func append(_ event: AuditEventDraft) async throws -> AuditEvent
    /// Events with `sequence > after`, oldest first.
    func auditEvents(after: Int64, limit: Int) async throws -> [AuditEvent]
    /// Counted (not written) events per minute, type and rule, from the minute holding `since` on, oldest first.
    func auditTallies(since: Date) async throws -> [AuditTally]
}

/// Sliding-window failure counters (per account, per address, …).
public protocol ThrottleStore: Sendable {
    func recordFailure(key: String, at: Date) async throws
    func failureCount(key: String, since: Date) async throws -> Int
    /// The times of the failures since `since`, oldest first, at most `limit` of them (the oldest are dropped).
    func failureTimes(key: String, since: Date, limit: Int) async throws -> [Date]
    func clearFailures(key: String) async throws
}

/// Everything the server needs, as one value to pass around.
public struct Stores: Sendable {
    public var credentials: any CredentialStore
    public var factors: any FactorSecretStore
    public var recoveryCodes: any RecoveryCodeStore
    public var sessions: any SessionStore
    public var challenges: any ChallengeStore
    public var devices: any DeviceStore
    public var audit: any AuditStore
    public var throttle: any ThrottleStore
    public var budgets: any BudgetStore
    public var riskHistory: any RiskHistoryStore
    public var addressRules: any AddressRuleStore
    /// A request's writes in one transaction (group-committed where the backend can).
    public var units: any UnitOfWorkStore
    /// Out-of-band one-time codes (e-mail, SMS).
    public var codes: any OneTimeCodeStore
    /// Messages accepted for delivery.
    public var outbox: any OutboxStore
    /// Brings read caches up to date at the start of a request.
    public var coherence: any CacheCoherence

    public init(credentials: any CredentialStore, factors: any FactorSecretStore,
                recoveryCodes: any RecoveryCodeStore, sessions: any SessionStore,
                challenges: any ChallengeStore, devices: any DeviceStore,
                audit: any AuditStore, throttle: any ThrottleStore, budgets: any BudgetStore,
                riskHistory: any RiskHistoryStore, addressRules: any AddressRuleStore,
                units: any UnitOfWorkStore, codes: any OneTimeCodeStore, outbox: any OutboxStore,
                coherence: any CacheCoherence = NoCaches()) {
        self.credentials = credentials
        self.factors = factors
        self.recoveryCodes = recoveryCodes
        self.sessions = sessions
        self.challenges = challenges
        self.devices = devices
        self.audit = audit
        self.throttle = throttle
        self.budgets = budgets
        self.riskHistory = riskHistory
        self.addressRules = addressRules
        self.units = units
        self.codes = codes
        self.outbox = outbox
        self.coherence = coherence
    }
}

/// Per-user risk history (known countries, last locations, active hours, …), kept as an opaque, bounded blob
/// that the risk engine encodes and decodes itself.
public protocol RiskHistoryStore: Sendable {
    func riskHistory(userID: String) async throws -> Data?
    func saveRiskHistory(userID: String, _ data: Data) async throws
}

/// Addresses and ranges an admin marked trusted or blocked.
public struct AddressRule: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable { case trusted, blocked }
    /// A CIDR range or a single address.
    public var cidr: String
    public var verdict: Verdict
    public var note: String
    public var createdAt: Date

    public init(cidr: String, verdict: Verdict, note: String = "", createdAt: Date) {
        self.cidr = cidr
        self.verdict = verdict
        self.note = note
        self.createdAt = createdAt
    }
}

public protocol AddressRuleStore: Sendable {
    /// Inserts or replaces the rule for `rule.cidr`.
    func setAddressRule(_ rule: AddressRule) async throws
    func removeAddressRule(cidr: String) async throws
    func addressRules() async throws -> [AddressRule]
}
