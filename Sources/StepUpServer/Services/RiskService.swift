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

    func assess(user: UserRecord, session: Session?, client: ClientInfo, at now: Date) async throws -> RiskAssessment {
        let settings = settings()
        let context = enriched(client, at: now, settings: settings)
        let record = try await client.deviceID.asyncMap { try await stores.devices.device(userID: user.id, deviceID: $0) }
        let history = RiskHistory.decoded(try await stores.riskHistory.riskHistory(userID: user.id))
        let failuresSince = now.addingTimeInterval(-settings.failedAttemptsWindow)
        let counters = RiskCounters(
            userFailures: try await stores.throttle.failureCount(key: ThrottleKeys.user(user.id), since: failuresSince),
            addressFailures: try await stores.throttle.failureCount(key: ThrottleKeys.address(client.ip),
                                                                    since: failuresSince),
            distinctUsernames: try await stores.throttle.failureCount(
                key: ThrottleKeys.usernames(client.ip), since: now.addingTimeInterval(-settings.credentialStuffingWindow))
        )
        let hits = RiskContextEnricher(locator: locator, lists: lists, classifier: NetworkClassifier(settings: settings))
            .listHits(for: context.ip)
        let rules = try await addressVerdicts(client.ip)
        var reputation = hits.reputation
        if rules.blocked { reputation.append("blocked-by-admin") }
        let input = RiskInput(
            context: context, now: now,
            device: DeviceStatus(deviceID: client.deviceID, record: record ?? nil, now: now),
            history: history, counters: counters, reputationHits: reputation, anonymizingHits: hits.anonymizing,
            sessionUserAgent: session?.userAgent, addressTrusted: rules.trusted
        )
        return engine.assess(input, settings: settings)
    }

    /// Country and coordinates from GeoIP (a country from a trusted proxy header wins).
    func enriched(_ client: ClientInfo, at now: Date, settings: RiskSettings) -> RequestContext {
        let context = RequestContext(ip: client.ip, userAgent: client.userAgent, deviceID: client.deviceID,
                                     country: client.country, time: now)
        return RiskContextEnricher(locator: locator, lists: lists, classifier: NetworkClassifier(settings: settings))
            .enrich(context)
    }

    /// Admin verdicts on the address: trusted (list hits forgiven) or blocked (counted as a reputation hit).
    private func addressVerdicts(_ ip: String) async throws -> (trusted: Bool, blocked: Bool) {
        guard let address = IPAddress(ip) else { return (false, false) }
        var verdicts = (trusted: false, blocked: false)
        for rule in try await stores.addressRules.addressRules() {
            guard let block = CIDR(rule.cidr) ?? IPAddress(rule.cidr).flatMap({
                CIDR(address: $0, prefixLength: $0.description.contains(":") ? 128 : 32)
            }), CIDRSet([block]).contains(address) else { continue }
            switch rule.verdict {
            case .trusted: verdicts.trusted = true
            case .blocked: verdicts.blocked = true
            }
        }
        return verdicts
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
        let context = enriched(client, at: now, settings: settings())
        let history = RiskHistory.decoded(try await stores.riskHistory.riskHistory(userID: user.id))
        let updated = history.recording(RiskEvent(context: context, now: now))
        try await stores.riskHistory.saveRiskHistory(userID: user.id, updated.encoded())
    }
}

/// The throttle counters sign-in failures are kept under, shared by throttling and risk.
enum ThrottleKeys {
    static func address(_ ip: String) -> String { "login-ip:\(ip)" }
    static func user(_ id: String) -> String { "login-user:\(id)" }
    /// One entry per username first tried (and failed) from `ip` in the window: distinct usernames.
    static func usernames(_ ip: String) -> String { "login-names:\(ip)" }
    static func username(_ ip: String, _ name: String) -> String { "login-name:\(ip):\(name.prefix(128))" }
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
