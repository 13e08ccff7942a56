import Foundation

/// Time-based one-time passwords (RFC 6238): HOTP over the number of `period`s since `epoch`.
///
/// ```swift
/// let totp = try TOTP(secret: secret)
/// if let match = totp.verify("123456", at: now, lastAcceptedStep: factor.lastStep) {
///     // persist match.step as the factor's last accepted step (compare-and-set) and match.drift
/// }
/// ```
public struct TOTP: Sendable, Hashable {
    public let hotp: HOTP
    /// Seconds per step (RFC 6238's X); 30 by default.
    public let period: Int
    /// Unix time of step 0 (RFC 6238's T0).
    public let epoch: Int64

    public init(
        secret: [UInt8], digits: Int = 6, algorithm: OTPAlgorithm = .sha1, period: Int = 30, epoch: Int64 = 0
    ) throws(OTPError) {
        guard (1...3600).contains(period) else { throw .invalidParameters("period must be 1...3600 seconds") }
        guard abs(epoch) <= 1 << 50 else { throw .invalidParameters("epoch out of range") }
        hotp = try HOTP(secret: secret, digits: digits, algorithm: algorithm)
        self.period = period
        self.epoch = epoch
    }

    /// The time step containing `date`; dates before the epoch (or absurdly far away) clamp to the range ends.
    public func step(at date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite else { return 0 }
        let clamped = Int64(max(min(seconds, 9.0e15), -9.0e15))
        let elapsed = clamped - epoch
        return elapsed <= 0 ? 0 : UInt64(elapsed / Int64(period))
    }

    public func code(at date: Date) -> String { hotp.code(counter: step(at: date)) }

    public func code(step: UInt64) -> String { hotp.code(counter: step) }
}
