import Foundation

extension RiskSettings {
    /// A numeric parameter of a signal: the policy's value, else the catalog default, else `fallback`.
    public func number(_ parameter: String, of signal: String, fallback: Double) -> Double {
        if let value = settings(for: signal).parameters[parameter]?.numberValue, value.isFinite { return value }
        return RiskSignalCatalog.entry(signal)?.defaults.parameters[parameter]?.numberValue ?? fallback
    }

    /// A list-of-strings parameter (a single string counts as a one-element list); nil when absent.
    public func strings(_ parameter: String, of signal: String) -> [String]? {
        switch settings(for: signal).parameters[parameter] {
        case .list(let values): return values.map(\.description)
        case .string(let value): return [value]
        default: return nil
        }
    }

    /// The sliding window the server counts failures over for `failed_attempts`.
    public var failedAttemptsWindow: TimeInterval {
        number("window_seconds", of: "failed_attempts", fallback: 900)
    }

    /// The sliding window the server counts distinct usernames per address over for `credential_stuffing`.
    public var credentialStuffingWindow: TimeInterval {
        number("window_seconds", of: "credential_stuffing", fallback: 600)
    }
}
