/// One-time recovery codes: `XXXX-XXXX-XXXX` from Crockford's base32 alphabet (no I, L, O, U), so
/// 12 characters carry 60 bits, and typing `o` for `0` or `l` for `1` still works.
///
/// Codes are shown once and stored only as Argon2id hashes (NIST SP 800-63B §5.1.2.2: look-up secrets
/// under 112 bits need a salted, costly hash) with the light ``hashParameters``; each use marks the
/// matched hash as spent in the store.
///
/// ```swift
/// let codes = RecoveryCodes.generate()                       // show to the user once
/// let stored = try codes.map { try RecoveryCodes.hash($0) }    // persist these
/// if let index = RecoveryCodes.match("abcd efgh jkmn", against: unused) { /* mark index used */ }
/// ```
public enum RecoveryCodes {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    public static let groups = 3
    public static let groupLength = 4
    /// 12 characters × 5 bits.
    public static let bitsPerCode = 60
    public static let defaultCount = 10
    /// OWASP's minimum Argon2id setting (19 MiB, 2 passes, 1 lane): ~30 ms per code, so checking a full set
    /// of ten stays well under a second while a stolen table still costs an attacker 2^60 slow guesses.
    public static let hashParameters = Argon2Parameters(memoryKiB: 19456, iterations: 2, parallelism: 1)

    /// A fresh set of `count` (at least 10) codes.
    public static func generate(count: Int = defaultCount, using rng: inout some RandomNumberGenerator) -> [String] {
        (0..<max(count, defaultCount)).map { _ in
            let chars = (0..<(groups * groupLength)).map { _ in alphabet[Int(rng.next() % 32)] }
            return stride(from: 0, to: chars.count, by: groupLength)
                .map { String(decoding: chars[$0..<($0 + groupLength)], as: UTF8.self) }
                .joined(separator: "-")
        }
    }

    /// A fresh set from the system's secure generator.
    public static func generate(count: Int = defaultCount) -> [String] {
        var rng = SystemRandomNumberGenerator()
        return generate(count: count, using: &rng)
    }

    /// Canonical form of what a user typed: case, spaces and dashes ignored, O→0, I/L→1.
    /// Nil when it cannot be a code (wrong length or characters), so no hashing is spent on it.
    public static func normalize(_ input: String) -> String? {
        guard input.utf8.count <= 64 else { return nil }
        var out = [UInt8]()
        for char in input.uppercased().utf8 {
            switch char {
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "O"): out.append(UInt8(ascii: "0"))
            case UInt8(ascii: "I"), UInt8(ascii: "L"): out.append(UInt8(ascii: "1"))
            default:
                guard alphabet.contains(char) else { return nil }
                out.append(char)
            }
        }
        guard out.count == groups * groupLength else { return nil }
        return String(decoding: out, as: UTF8.self)
    }
}
