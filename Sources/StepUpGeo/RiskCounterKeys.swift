import Foundation
import StepUpCore

/// ThrottleStore keys for the risk counters, and the two-key recipe that counts *distinct* usernames per
/// address with a store that only counts events.
///
/// IPv6 addresses are counted per /64: one host usually owns a whole /64 and can rotate through it freely.
///
/// On a failed sign-in for `username` from `ip` at `now`:
/// ```swift
/// try await throttle.recordFailure(key: RiskCounterKeys.user(userID), at: now)        // when the user exists
/// try await throttle.recordFailure(key: RiskCounterKeys.address(ip), at: now)
/// let pair = RiskCounterKeys.pair(ip, username)
/// if try await throttle.failureCount(key: pair, since: now - settings.credentialStuffingWindow) == 0 {
///     try await throttle.recordFailure(key: RiskCounterKeys.usernames(ip), at: now)  // a new username
/// }
/// try await throttle.recordFailure(key: pair, at: now)
/// ```
public enum RiskCounterKeys {
    public static func user(_ userID: String) -> String { "risk.user:" + userID }

    public static func address(_ ip: String) -> String { "risk.addr:" + bucket(ip) }

    /// Counts one event per distinct username that failed from the address within the window.
    public static func usernames(_ ip: String) -> String { "risk.names:" + bucket(ip) }

    /// Marks that this username already failed from this address; the username is lower-cased and kept short.
    public static func pair(_ ip: String, _ username: String) -> String {
        "risk.pair:" + bucket(ip) + ":" + String(username.lowercased().prefix(128))
    }

    /// The address itself for IPv4, its /64 for IPv6, the text (truncated) when unparseable.
    public static func bucket(_ ip: String) -> String {
        guard let address = IPAddress(ip) else { return String(ip.prefix(64)) }
        if address.isV4 { return address.description }
        return CIDR(address: address, prefixLength: 64)?.description ?? address.description
    }

    /// Reads the counters for an assessment over the windows the policy configures.
    public static func counters(userID: String?, ip: String?, settings: RiskSettings, now: Date,
                                count: (_ key: String, _ since: Date) async throws -> Int) async throws
        -> RiskCounters {
        let failureSince = now.addingTimeInterval(-settings.failedAttemptsWindow)
        let stuffingSince = now.addingTimeInterval(-settings.credentialStuffingWindow)
        var counters = RiskCounters()
        if let userID { counters.userFailures = try await count(user(userID), failureSince) }
        if let ip {
            counters.addressFailures = try await count(address(ip), failureSince)
            counters.distinctUsernames = try await count(usernames(ip), stuffingSince)
        }
        return counters
    }
}
