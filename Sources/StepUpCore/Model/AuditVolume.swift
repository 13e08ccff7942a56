/// How many `allow` decisions of a kind are written to the audit log row by row (issue #9).
///
/// `deny` and `step_up` decisions are always written in full; a policy can only lower the volume of allows.
/// Decisions that are not written are still counted (per rule and outcome) by the server.
///
/// ```swift
/// let volume = AuditVolume.sampled(every: 100)
/// volume.writesInFull(occurrence: 1)    // true: the 1st, 101st, 201st … are written
/// volume.writesInFull(occurrence: 2)    // false: only counted
/// ```
public enum AuditVolume: Sendable, Hashable {
    /// Every decision is written (the default).
    case full
    /// One decision in `every` is written in full, the others only counted.
    case sampled(every: Int)
    /// Decisions are only counted, never written row by row.
    case counted

    /// The `N` a policy may give `sampled N`: `1` would be `full`, and beyond a million a sample says little.
    public static let samplingRange = 2...1_000_000

    /// Whether the decision that is the `occurrence`-th of its kind is written in full.
    ///
    /// Pure: the server keeps the counter. `occurrence` counts from 1 (the counter after incrementing), so
    /// `sampled(every: n)` writes the 1st, (n+1)th, (2n+1)th …; `0` counts as a first. A sampling interval
    /// below 2, which the policy parser refuses, writes everything: the error is on the side of the record.
    public func writesInFull(occurrence: UInt64) -> Bool {
        switch self {
        case .full: return true
        case .counted: return false
        case .sampled(let every):
            guard every > 1 else { return true }
            return occurrence == 0 || occurrence % UInt64(every) == 1
        }
    }

    /// The more verbose of the two: `full`, then `sampled` with the smaller interval, then `counted`.
    func mostVerbose(_ other: AuditVolume) -> AuditVolume {
        share > other.share ? self : other
    }

    /// The fraction of decisions written in full, for ordering volumes.
    private var share: Double {
        switch self {
        case .full: return 1
        case .sampled(let every): return every > 1 ? 1 / Double(every) : 1
        case .counted: return 0
        }
    }
}

extension AuditVolume: CustomStringConvertible {
    /// As the policy file spells it: `full`, `sampled 100`, `counted`.
    public var description: String {
        switch self {
        case .full: return "full"
        case .sampled(let every): return "sampled \(every)"
        case .counted: return "counted"
        }
    }
}
