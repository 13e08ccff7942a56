import Foundation

/// A user account. Secrets (the password hash) live behind ``CredentialStore``.
public struct UserRecord: Sendable, Hashable, Codable {
    public var id: String
    /// Unique, compared case-insensitively (stored lower-cased).
    public var username: String
    public var displayName: String
    public var roles: [String]
    public var disabled: Bool
    public var createdAt: Date

    public init(id: String, username: String, displayName: String? = nil, roles: [String] = [],
                disabled: Bool = false, createdAt: Date) {
        self.id = id
        self.username = username.lowercased()
        self.displayName = displayName ?? username
        self.roles = roles
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// An enrolled (or enrolling) factor. `sealedSecret` is filled only by privileged reads.
public struct FactorRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Enrollment started, not yet confirmed with a first code.
        case pending
        case active
    }

    public var id: String
    public var userID: String
    public var kind: FactorKind
    public var label: String
    public var status: Status
    public var createdAt: Date
    public var lastUsedAt: Date?
    /// TOTP time step / HOTP counter last accepted, for replay protection.
    public var lastAcceptedStep: Int64?
    /// Factor parameters that are not secret (algorithm, digits, period, …) as JSON.
    public var parameters: [String: String]
    /// AES-GCM envelope (StepUpCrypto `SealedBox`) of the secret; `nil` on non-privileged reads.
    public var sealedSecret: Data?

    public init(id: String, userID: String, kind: FactorKind, label: String, status: Status = .pending,
                createdAt: Date, lastUsedAt: Date? = nil, lastAcceptedStep: Int64? = nil,
                parameters: [String: String] = [:], sealedSecret: Data? = nil) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.label = label
        self.status = status
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.lastAcceptedStep = lastAcceptedStep
        self.parameters = parameters
        self.sealedSecret = sealedSecret
    }
}

/// One recovery code, stored only as a hash.
public struct RecoveryCodeRecord: Sendable, Hashable, Codable {
    public var id: String
    public var userID: String
    public var hash: String
    public var createdAt: Date
    public var usedAt: Date?

    public init(id: String, userID: String, hash: String, createdAt: Date, usedAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.hash = hash
        self.createdAt = createdAt
        self.usedAt = usedAt
    }
}

/// A device seen for a user (browser cookie id or client-sent device id).
public struct DeviceRecord: Sendable, Hashable, Codable {
    public var userID: String
    public var deviceID: String
    public var label: String
    public var firstSeen: Date
    public var lastSeen: Date
    /// Confirmed by the user after a successful step-up ("remember this device").
    public var trustedUntil: Date?
    public var revoked: Bool

    public init(userID: String, deviceID: String, label: String, firstSeen: Date, lastSeen: Date,
                trustedUntil: Date? = nil, revoked: Bool = false) {
        self.userID = userID
        self.deviceID = deviceID
        self.label = label
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.trustedUntil = trustedUntil
        self.revoked = revoked
    }

    public func isTrusted(at now: Date) -> Bool {
        guard !revoked, let trustedUntil else { return false }
        return now < trustedUntil
    }
}

/// What a caller hands the audit log; the log adds sequence number and hash chain.
public struct AuditEventDraft: Sendable, Hashable, Codable {
    /// Dotted type, e.g. `login.succeeded`, `decision.step_up`, `challenge.verified`, `factor.enrolled`.
    public var type: String
    public var at: Date
    public var userID: String?
    public var sessionID: String?
    public var ip: String?
    public var policyVersion: String?
    /// Reasons, rule ids, signals, … as flat strings.
    public var details: [String: String]

    public init(type: String, at: Date, userID: String? = nil, sessionID: String? = nil, ip: String? = nil,
                policyVersion: String? = nil, details: [String: String] = [:]) {
        self.type = type
        self.at = at
        self.userID = userID
        self.sessionID = sessionID
        self.ip = ip
        self.policyVersion = policyVersion
        self.details = details
    }
}

/// An appended audit event: its sequence number and the SHA-256 chain hash over its predecessor.
public struct AuditEvent: Sendable, Hashable, Codable {
    public var sequence: Int64
    public var event: AuditEventDraft
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, event: AuditEventDraft, previousHash: String, hash: String) {
        self.sequence = sequence
        self.event = event
        self.previousHash = previousHash
        self.hash = hash
    }
}
