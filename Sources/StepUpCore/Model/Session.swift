import Foundation

/// A signed-in subject and the authentication events it has gathered.
///
/// The effective level is never stored: it is computed from the events still fresh enough
/// (see `Session+Level.swift`).
public struct Session: Sendable, Hashable, Codable {
    public var id: String
    public var userID: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    public var deviceID: String?
    public var ip: String?
    public var userAgent: String?
    public var events: [AuthenticationEvent]
    /// Set while the sign-in itself waits for this challenge (policy `auth.login` asked for a step-up): the
    /// session can do nothing but complete it. Cleared when the challenge is satisfied.
    public var pendingChallengeID: String?

    public init(
        id: String,
        userID: String,
        createdAt: Date,
        lastSeenAt: Date? = nil,
        expiresAt: Date,
        revokedAt: Date? = nil,
        deviceID: String? = nil,
        ip: String? = nil,
        userAgent: String? = nil,
        events: [AuthenticationEvent] = [],
        pendingChallengeID: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt ?? createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.deviceID = deviceID
        self.ip = ip
        self.userAgent = userAgent
        self.events = events
        self.pendingChallengeID = pendingChallengeID
    }

    /// A sign-in still waiting for its step-up: usable only to complete that challenge.
    public var isPending: Bool { pendingChallengeID != nil }

    /// Whether the session may be used at all at `now` (not revoked, not expired).
    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && now < expiresAt
    }

    /// The time of the most recent authentication event (OIDC `auth_time`).
    public var authTime: Date? { events.map(\.at).max() }

    /// RFC 8176 `amr` values of all events, without duplicates, in first-use order.
    public var amr: [String] {
        var seen = Set<String>()
        return events.flatMap(\.traits.amr).filter { seen.insert($0).inserted }
    }
}
