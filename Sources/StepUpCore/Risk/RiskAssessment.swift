/// How risky a request looks, and exactly why.
public struct RiskAssessment: Sendable, Hashable, Codable {
    public var score: Double
    public var band: RiskBand
    public var signals: [RiskSignal]

    public init(score: Double, band: RiskBand, signals: [RiskSignal]) {
        self.score = score
        self.band = band
        self.signals = signals
    }

    /// No signal fired.
    public static let none = RiskAssessment(score: 0, band: .low, signals: [])

    public func has(_ signal: String) -> Bool { signals.contains { $0.name == signal } }
}

/// Ordered risk bands; policies match on "at least".
public enum RiskBand: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case low, medium, high, critical

    private var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: RiskBand, rhs: RiskBand) -> Bool { lhs.order < rhs.order }
}

/// One named reason for risk, with its weight and human-readable evidence.
public struct RiskSignal: Sendable, Hashable, Codable {
    /// Short machine name, e.g. `new_device`.
    public var name: String
    public var weight: Double
    /// e.g. "first sign-in from FR; last from US 2 h ago, 6,100 km".
    public var evidence: String

    public init(name: String, weight: Double, evidence: String) {
        self.name = name
        self.weight = weight
        self.evidence = evidence
    }
}
