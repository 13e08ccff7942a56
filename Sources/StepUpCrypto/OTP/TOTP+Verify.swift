import Foundation

/// A TOTP code accepted at `step`, `drift` steps away from the verifier's clock.
public struct TOTPMatch: Sendable, Hashable {
    /// Persist this as the factor's last accepted step: any code for this step or earlier is a replay.
    public let step: UInt64
    /// `step` minus the current step; persist it to follow a token whose clock runs fast or slow.
    public let drift: Int
}

extension TOTP {
    /// Verifies `code` within `window` steps either side of now (shifted by a remembered `drift`).
    /// - Parameters:
    ///   - lastAcceptedStep: the step of the last code accepted for this factor; codes for it or
    ///     earlier steps are refused (RFC 6238 §5.2: a code is accepted at most once).
    ///   - window: accepted steps on each side (1 = previous, current, next).
    ///   - drift: the factor's stored drift, so the window follows its clock.
    /// - Returns: the match to persist, or nil (wrong, expired or replayed).
    public func verify(
        _ code: String, at date: Date, lastAcceptedStep: UInt64?, window: Int = 1, drift: Int = 0
    ) -> TOTPMatch? {
        guard let entered = hotp.normalize(code) else { return nil }
        let current = Int64(clamping: step(at: date))
        let window = Int64(max(0, min(window, 100)))
        let center = current + Int64(max(-10_000, min(drift, 10_000)))
        var matched: UInt64?
        for candidate in (center - window)...(center + window) where candidate >= 0 {
            let step = UInt64(candidate)
            if let last = lastAcceptedStep, step <= last { continue }
            // Compute every candidate: timing reveals nothing about which step matched.
            if ConstantTime.equals(hotp.code(counter: step), entered), matched == nil { matched = step }
        }
        guard let matched else { return nil }
        return TOTPMatch(step: matched, drift: Int(Int64(matched) - current))
    }
}
