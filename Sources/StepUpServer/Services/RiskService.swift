import Foundation
import StepUpCore
import StepUpGeo

/// Gathers what the risk engine needs — place, device, history, failure counters, list hits — and runs the
/// pure ``RiskEngine`` at every decision (not only at sign-in). Learns from successful sign-ins and step-ups.
public struct RiskService: Sendable {
    let stores: Stores
    let settings: @Sendable () -> RiskSettings
    let locator: (any GeoLocator)?
    let lists: ReputationLists
    let engine = RiskEngine()
    /// Trust given to a device when a user confirms it after a step-up.
    let deviceTrustLifetime: TimeInterval = 30 * 86_400

    public init(stores: Stores, locator: (any GeoLocator)? = nil, lists: ReputationLists = ReputationLists(lists: [:]),
                settings: @escaping @Sendable () -> RiskSettings) {
        self.stores = stores
        self.locator = locator
        self.lists = lists
        self.settings = settings
    }

    /// The assessment, and whether an administrator blocked the client's address.
    struct Result: Sendable {
        var assessment: RiskAssessment
        var blocked: Bool
    }

    func assess(user: UserRecord, session: Session?, client: ClientInfo, at now: Date) async throws -> Result {
        let settings = settings()
        let record = try await client.deviceID.asyncMap { try await stores.devices.device(userID: user.id, deviceID: $0) }
        let history = RiskHistory.decoded(try await stores.riskHistory.riskHistory(userID: user.id))
        let counters = try await RiskCounterKeys.counters(userID: user.id, ip: client.ip, settings: settings, now: now) {
            try await stores.throttle.failureCount(key: $0, since: $1)
        }
        let rules = AddressRuleSet(rules: try await stores.addressRules.addressRules())
        let (_, assessment) = pipeline(settings, rules).assess(
            context(client, at: now), settings: settings,
            device: DeviceStatus(deviceID: client.deviceID, record: record ?? nil, now: now),
            history: history, counters: counters, sessionUserAgent: session?.userAgent, now: now)
        return Result(assessment: assessment, blocked: rules.verdict(for: client.ip) == .blocked)
    }

    /// Whether an administrator blocked this address (checked before a password is even looked at).
    func isBlocked(_ ip: String) async throws -> Bool {
        AddressRuleSet(rules: try await stores.addressRules.addressRules()).verdict(for: ip) == .blocked
    }

    private func pipeline(_ settings: RiskSettings, _ rules: AddressRuleSet = AddressRuleSet(rules: [])) -> RiskPipeline {
        RiskPipeline(enricher: RiskContextEnricher(locator: locator, lists: lists,
                                                   classifier: NetworkClassifier(settings: settings)),
                     addressRules: rules)
    }

    private func context(_ client: ClientInfo, at now: Date) -> RequestContext {
        RequestContext(ip: client.ip, userAgent: client.userAgent, deviceID: client.deviceID, country: client.country,
                       time: now)
    }

    /// A failed sign-in: per account, per address, and distinct usernames per address (credential stuffing).
    func recordFailure(userID: String?, username: String, ip: String, at now: Date) async throws {
        let throttle = stores.throttle
        if let userID { try await throttle.recordFailure(key: RiskCounterKeys.user(userID), at: now) }
        try await throttle.recordFailure(key: RiskCounterKeys.address(ip), at: now)
        let pair = RiskCounterKeys.pair(ip, username)
        if try await throttle.failureCount(key: pair, since: now.addingTimeInterval(-settings().credentialStuffingWindow)) == 0 {
            try await throttle.recordFailure(key: RiskCounterKeys.usernames(ip), at: now)
        }
        try await throttle.recordFailure(key: pair, at: now)
    }

    /// A sign-in the policy let through without a step-up: its place and time join the user's history.
    func recordSignIn(user: UserRecord, client: ClientInfo, at now: Date) async throws {
        try await learn(user: user, client: client, at: now)
    }

    /// After a successful step-up ("this was me"): the device becomes known and the place joins the history.
    func recordStepUp(user: UserRecord, client: ClientInfo, at now: Date) async throws {
        if let deviceID = client.deviceID {
            try await stores.devices.recordDeviceSeen(userID: user.id, deviceID: deviceID,
                                                      label: DeviceLabel.describe(client.userAgent), at: now)
        }
        try await learn(user: user, client: client, at: now)
    }

    /// The user confirms the device they just stepped up on: trusted for `deviceTrustLifetime`.
    func trustDevice(user: UserRecord, deviceID: String, at now: Date) async throws {
        try await stores.devices.trustDevice(userID: user.id, deviceID: deviceID,
                                             until: now.addingTimeInterval(deviceTrustLifetime))
    }

    private func learn(user: UserRecord, client: ClientInfo, at now: Date) async throws {
        let context = pipeline(settings()).enricher.enrich(context(client, at: now))
        let history = RiskHistory.decoded(try await stores.riskHistory.riskHistory(userID: user.id))
        let updated = history.recording(RiskEvent(context: context, now: now))
        try await stores.riskHistory.saveRiskHistory(userID: user.id, updated.encoded())
    }
}

/// "Firefox on Linux"-style labels for the device list.
enum DeviceLabel {
    static func describe(_ userAgent: String?) -> String {
        guard let userAgent, !userAgent.isEmpty else { return "Unknown device" }
        let family = UserAgentFamily(userAgent)?.name ?? "Browser"
        let platforms = ["Android", "iPhone", "iPad", "Windows", "Mac OS X", "Linux"]
        let platform = platforms.first { userAgent.contains($0) }.map { $0 == "Mac OS X" ? "macOS" : $0 }
        return platform.map { "\(family) on \($0)" } ?? family
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
