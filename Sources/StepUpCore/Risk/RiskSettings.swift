/// Risk configuration from the policy file's `risk:` section: per-signal weights and parameters, band thresholds.
public struct RiskSettings: Sendable, Hashable {
    /// Minimum score for each band above `low`.
    public var thresholds: [RiskBand: Double]
    /// Settings by signal name (see ``RiskSignalCatalog``). A signal absent here uses its catalog defaults.
    public var signals: [String: SignalSettings]

    public init(thresholds: [RiskBand: Double] = RiskSettings.defaultThresholds, signals: [String: SignalSettings] = [:]) {
        self.thresholds = thresholds
        self.signals = signals
    }

    public static let defaultThresholds: [RiskBand: Double] = [.medium: 30, .high: 60, .critical: 90]
    public static let `default` = RiskSettings()

    /// The band a score falls in.
    public func band(for score: Double) -> RiskBand {
        for band in RiskBand.allCases.reversed() where band != .low {
            if let threshold = thresholds[band], score >= threshold { return band }
        }
        return .low
    }

    /// Settings of one signal, falling back to the catalog defaults.
    public func settings(for signal: String) -> SignalSettings {
        signals[signal] ?? RiskSignalCatalog.entry(signal)?.defaults ?? SignalSettings(enabled: false, weight: 0)
    }
}

/// One signal's configuration.
public struct SignalSettings: Sendable, Hashable {
    public var enabled: Bool
    public var weight: Double
    /// Signal-specific parameters (e.g. `speed_kmh` for impossible travel); names listed in the catalog.
    public var parameters: Attributes

    public init(enabled: Bool = true, weight: Double, parameters: Attributes = [:]) {
        self.enabled = enabled
        self.weight = weight
        self.parameters = parameters
    }

    public func number(_ name: String, default value: Double) -> Double {
        parameters[name]?.numberValue ?? value
    }
}

/// The signals StepUp knows, their defaults and the parameters each accepts.
/// The policy parser rejects unknown signal names and parameters using this list.
public enum RiskSignalCatalog {
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var summary: String
        public var defaults: SignalSettings
        /// Parameter names this signal accepts.
        public var parameters: Set<String>
    }

    public static let entries: [Entry] = [
        Entry(name: "new_device", summary: "first use of this device by this user",
              defaults: SignalSettings(weight: 30), parameters: []),
        Entry(name: "new_country", summary: "first sign-in from this country for this user",
              defaults: SignalSettings(weight: 30), parameters: []),
        Entry(name: "impossible_travel",
              summary: "travel faster than speed_kmh since the last located sign-in, over at least min_distance_km",
              defaults: SignalSettings(weight: 60,
                                       parameters: ["speed_kmh": .number(900), "min_distance_km": .number(300)]),
              parameters: ["speed_kmh", "min_distance_km"]),
        Entry(name: "ip_reputation",
              summary: "address on a reputation list (lists: names that count; default every list not in networks)",
              defaults: SignalSettings(weight: 50), parameters: ["lists"]),
        Entry(name: "failed_attempts", summary: "failed attempts per user and per address in a sliding window",
              defaults: SignalSettings(weight: 40, parameters: ["window_seconds": .number(900), "threshold": .number(5)]),
              parameters: ["window_seconds", "threshold"]),
        Entry(name: "credential_stuffing", summary: "many different usernames from one address",
              defaults: SignalSettings(weight: 60, parameters: ["window_seconds": .number(600), "usernames": .number(10)]),
              parameters: ["window_seconds", "usernames"]),
        Entry(name: "unusual_hour",
              summary: "an hour holding under max_share of the user's sign-ins, after min_history of them (UTC buckets)",
              defaults: SignalSettings(weight: 15,
                                       parameters: ["min_history": .number(20), "max_share": .number(0.05)]),
              parameters: ["min_history", "max_share", "time_zone"]),
        Entry(name: "user_agent_change", summary: "user-agent family changed within the session",
              defaults: SignalSettings(weight: 30), parameters: []),
        Entry(name: "anonymizing_network",
              summary: "address in a hosting or anonymising network (networks: list names and/or CIDR blocks)",
              defaults: SignalSettings(weight: 40), parameters: ["networks"]),
        Entry(name: "cloned_authenticator",
              summary: "a WebAuthn authenticator's signature counter went backwards in this ceremony (a copied key)",
              defaults: SignalSettings(weight: 90), parameters: []),
    ]

    public static func entry(_ name: String) -> Entry? { byName[name] }

    /// The entries by name: every decision looks each signal up.
    private static let byName: [String: Entry] = Dictionary(entries.map { ($0.name, $0) }) { first, _ in first }
}
