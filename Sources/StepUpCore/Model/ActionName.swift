/// The one rule for what an action name may be, shared by the HTTP API, the policy and `policy test` cases.
///
/// A name is 1…200 characters of `A–Z a–z 0–9 . _ : -`, dotted into non-empty segments: no leading or trailing
/// `.` and no `..`. Why so strict: names are matched by globs and printed in audit lines, explanations and
/// pages, so an empty segment would match globs unpredictably and a space, slash or control character could
/// forge a log line or a path. Anything else is denied, never normalised.
///
/// ```swift
/// ActionName.isValid("payments.transfer")  // true
/// ActionName.isValid("payments..transfer") // false
/// ```
public enum ActionName {
    /// The longest name accepted, in characters (all ASCII, so also bytes).
    public static let maxLength = 200

    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard (1...maxLength).contains(bytes.count) else { return false }
        var previousWasDot = true
        for byte in bytes {
            let isDot = byte == UInt8(ascii: ".")
            guard isDot || isAllowed(byte), !(isDot && previousWasDot) else { return false }
            previousWasDot = isDot
        }
        return !previousWasDot
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
