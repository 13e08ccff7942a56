import Foundation
import Testing

/// Seeds for random tests (shared by the test targets): every run prints the one it used, and `STEPUP_SEED=<n>` (decimal or `0x…`) replays it.
public enum TestSeed {
    /// `STEPUP_SEED` when set, else `fallback`, else a fresh random seed; printed under `test` either way.
    public static func seed(_ test: String, fallback: UInt64? = nil) -> UInt64 {
        let seed: UInt64
        if let text = ProcessInfo.processInfo.environment["STEPUP_SEED"] {
            if let parsed = parse(text) {
                seed = parsed
            } else {
                Issue.record("STEPUP_SEED=\(text) is not a number (decimal or 0x-hex)")
                seed = fallback ?? 0
            }
        } else {
            seed = fallback ?? UInt64.random(in: .min ... .max)
        }
        print("\(test): seed \(seed) (replay with STEPUP_SEED=\(seed))")
        return seed
    }

    public static func parse(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
        return UInt64(trimmed)
    }
}
