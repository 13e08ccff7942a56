import Foundation

/// Everything the risk engine looks at for one decision, gathered by the server beforehand
/// (geolocation, device lookup, counters, list hits), so the assessment itself is pure and fast.
public struct RiskInput: Sendable, Hashable {
    /// Address, country and coordinates, device id, user agent, time of the request.
    public var context: RequestContext
    /// The server's clock; used when `context.time` is absent.
    public var now: Date
    public var device: DeviceStatus
    /// The user's learned history (empty for a first sign-in or an unknown user).
    public var history: RiskHistory
    public var counters: RiskCounters
    /// Names of reputation lists containing the address (see `ip_reputation`'s `lists` parameter).
    public var reputationHits: [String]
    /// Names of hosting or anonymising networks containing the address.
    public var anonymizingHits: [String]
    /// The user agent that started this session, to detect a change of browser mid-session.
    public var sessionUserAgent: String?
    /// An admin marked this address trusted: list hits are then not held against it.
    public var addressTrusted: Bool
    /// Evidence that a WebAuthn assertion in this request came with a signature counter at or below the stored
    /// one (WebAuthn §7.2 step 22: the key may have been copied); `nil` when nothing regressed.
    public var clonedAuthenticator: String?

    public init(
        context: RequestContext,
        now: Date,
        device: DeviceStatus = .absent,
        history: RiskHistory = RiskHistory(),
        counters: RiskCounters = RiskCounters(),
        reputationHits: [String] = [],
        anonymizingHits: [String] = [],
        sessionUserAgent: String? = nil,
        addressTrusted: Bool = false,
        clonedAuthenticator: String? = nil
    ) {
        self.context = context
        self.now = now
        self.device = device
        self.history = history
        self.counters = counters
        self.reputationHits = reputationHits
        self.anonymizingHits = anonymizingHits
        self.sessionUserAgent = sessionUserAgent
        self.addressTrusted = addressTrusted
        self.clonedAuthenticator = clonedAuthenticator
    }

    /// When the request happened: the context's time, else the server clock.
    public var time: Date { context.time ?? now }
}

/// Failure counters the server reads from its ``ThrottleStore`` over the windows in ``RiskSettings``
/// (see ``RiskSettings/failedAttemptsWindow`` and ``RiskSettings/credentialStuffingWindow``).
public struct RiskCounters: Sendable, Hashable, Codable {
    /// Failed sign-ins or factor checks for this user in the window.
    public var userFailures: Int
    /// Failed attempts from this address (any user) in the window.
    public var addressFailures: Int
    /// Different usernames tried from this address in the credential-stuffing window.
    public var distinctUsernames: Int

    public init(userFailures: Int = 0, addressFailures: Int = 0, distinctUsernames: Int = 0) {
        self.userFailures = userFailures
        self.addressFailures = addressFailures
        self.distinctUsernames = distinctUsernames
    }
}

/// What the server knows about the presented device.
public enum DeviceStatus: String, Sendable, Hashable, Codable {
    /// The request carried no device id (no cookie, no device key).
    case absent
    /// A device id this user has never used (or one that was revoked).
    case new
    /// Seen before for this user.
    case known
    /// Seen before and confirmed by the user ("remember this device"), not yet expired.
    case trusted

    /// Derives the status from the device store's record.
    public init(deviceID: String?, record: DeviceRecord?, now: Date) {
        guard deviceID != nil else { self = .absent; return }
        guard let record, !record.revoked else { self = .new; return }
        if let until = record.trustedUntil, until > now { self = .trusted } else { self = .known }
    }
}
