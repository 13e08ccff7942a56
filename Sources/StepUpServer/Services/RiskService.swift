import Foundation
import StepUpCore
import StepUpGeo
import Synchronization

/// Gathers what the risk engine needs — place, device, history, failure counters, list hits — and runs the
/// pure ``RiskEngine`` at every decision (not only at sign-in). Learns from successful sign-ins and step-ups.
public struct RiskService: Sendable {
    let stores: Stores
    let settings: @Sendable () -> RiskSettings
    let locator: (any GeoLocator)?
    let lists: ReputationLists
    let engine = RiskEngine()
    /// The pipeline built from the running risk settings, rebuilt when they change (a policy reload).
    private let pipelines = Memo<RiskSettings, RiskPipeline>()
    /// The address rules' CIDR sets, rebuilt when the rules change.
    private let ruleSets = Memo<[AddressRule], AddressRuleSet>()
    /// Trust given to a device when a user confirms it after a step-up.
    let deviceTrustLifetime: TimeInterval = 30 * 86_400

    public init(stores: Stores, locator: (any GeoLocator)? = nil, lists: ReputationLists = ReputationLists(lists: [:]),
                settings: @escaping @Sendable () -> RiskSettings) {
        self.stores = stores
        self.locator = locator
        self.lists = lists
        self.settings = settings
    }

    /// Fills in what the request's address tells — GeoIP country and coordinates (a trusted CDN header's country
    /// wins), and an administrator's verdict — once per request; a resolved client is returned unchanged.
    func resolve(_ client: ClientInfo) async throws -> ClientInfo {
        guard !client.isResolved else { return client }
        var resolved = client
        let located = pipeline(settings()).enricher.enrich(
            RequestContext(ip: client.ip, country: client.country))
        resolved.country = located.country
        resolved.latitude = located.latitude
        resolved.longitude = located.longitude
        let rules = try await stores.addressRules.addressRules()
        resolved.addressVerdict = ruleSets.value(for: rules) { AddressRuleSet(rules: rules) }.verdict(for: client.ip)
        resolved.isResolved = true
        return resolved
    }

    /// The assessment of a resolved client for `user`; the device is the session's proven device.
    func assess(user: UserRecord, session: Session?, client: ClientInfo, at now: Date) async throws
        -> RiskAssessment
    {
        let settings = settings()
        let record = try await client.deviceID.asyncMap { try await stores.devices.device(userID: user.id, deviceID: $0) }
        let history = RiskHistory.decoded(try await stores.riskHistory.riskHistory(userID: user.id))
        let counters = try await RiskCounterKeys.counters(userID: user.id, ip: client.ip, settings: settings, now: now) {
            try await stores.throttle.failureCount(key: $0, since: $1)
        }
        let hits = pipeline(settings).enricher.listHits(for: client.ip)
        let input = RiskInput(context: context(client, at: now), now: now,
                              device: DeviceStatus(deviceID: client.deviceID, record: record ?? nil, now: now),
                              history: history, counters: counters, reputationHits: hits.reputation,
                              anonymizingHits: hits.anonymizing, sessionUserAgent: session?.userAgent,
                              addressTrusted: client.addressVerdict == .trusted,
                              clonedAuthenticator: client.clonedAuthenticator)
        return engine.assess(input, settings: settings)
    }

    /// Whether `deviceID` is a device `user` signed in on successfully before (and did not remove since).
    func isKnownDevice(_ deviceID: String?, of user: UserRecord) async throws -> Bool {
        guard let deviceID, let record = try await stores.devices.device(userID: user.id, deviceID: deviceID)
        else { return false }
        return !record.revoked
    }

    private func pipeline(_ settings: RiskSettings) -> RiskPipeline {
        pipelines.value(for: settings) {
            RiskPipeline(enricher: RiskContextEnricher(locator: locator, lists: lists,
                                                       classifier: NetworkClassifier(settings: settings)))
        }
    }

    /// The request context every decision step reads: built from the resolved client, never re-derived.
    func context(_ client: ClientInfo, at now: Date) -> RequestContext {
        RequestContext(ip: client.ip, userAgent: client.userAgent, deviceID: client.deviceID, country: client.country,
                       latitude: client.latitude, longitude: client.longitude, time: now)
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

    /// A sign-in that succeeded — allowed without a step-up, or after its step-up — or any completed step-up:
    /// the proven device becomes known and the place and time join the user's history. A password alone that
    /// the policy stepped up teaches StepUp nothing.
    func recordSuccess(user: UserRecord, client: ClientInfo, at now: Date) async throws {
        if let deviceID = client.deviceID {
            try await stores.devices.recordDeviceSeen(userID: user.id, deviceID: deviceID,
                                                      label: DeviceLabel.describe(client), at: now)
        }
        try await learn(user: user, client: client, at: now)
    }

    /// The user confirms the device they just stepped up on: trusted for `deviceTrustLifetime`.
    func trustDevice(user: UserRecord, deviceID: String, at now: Date) async throws {
        try await stores.devices.trustDevice(userID: user.id, deviceID: deviceID,
                                             until: now.addingTimeInterval(deviceTrustLifetime))
    }

    private func learn(user: UserRecord, client: ClientInfo, at now: Date) async throws {
        let context = context(client, at: now)
        let history = RiskHistory.decoded(try await stores.riskHistory.riskHistory(userID: user.id))
        let updated = history.recording(RiskEvent(context: context, now: now))
        try await stores.riskHistory.saveRiskHistory(userID: user.id, updated.encoded())
    }
}

/// The value built from the key last asked for: the risk pipeline parses the policy's network lists into CIDR
/// sets, the address rules theirs, which is not work for every request. An unchanged key compares equal cheaply
/// (the same dictionary or array storage).
final class Memo<Key: Equatable & Sendable, Value: Sendable>: Sendable {
    private let last = Mutex<(key: Key, value: Value)?>(nil)

    func value(for key: Key, build: () -> Value) -> Value {
        if let hit = last.withLock({ $0?.key == key ? $0?.value : nil }) { return hit }
        let built = build()
        last.withLock { $0 = (key, built) }
        return built
    }
}

/// "Firefox on Linux"-style labels for the device list.
enum DeviceLabel {
    /// The client's own label (API `device_id`) when it gave one, else one derived from the user agent.
    static func describe(_ client: ClientInfo) -> String {
        if let label = client.deviceLabel, !label.isEmpty { return String(label.prefix(64)) }
        return describe(client.userAgent)
    }

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
