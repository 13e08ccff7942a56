/// Comparisons whose running time does not depend on where two secrets differ.
///
/// Every secret check in StepUpCrypto (hash tags, OTP codes, recovery codes) goes through here so that
/// an attacker timing responses learns nothing about how many leading bytes they guessed right.
public enum ConstantTime {
    /// True when both byte sequences are equal. Time depends only on the lengths (which are not secret).
    public static func equals<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        var difference: UInt8 = a.count == b.count ? 0 : 1
        // Walk the longer input fully so a length mismatch costs the same as a content mismatch.
        var ia = a.makeIterator(), ib = b.makeIterator()
        for _ in 0..<max(a.count, b.count) {
            let x = ia.next() ?? 0
            let y = ib.next() ?? 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// True when both strings have identical UTF-8 bytes (no Unicode normalization: secrets are exact).
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
