/// FNV-1a 64 over the policy text: a stable identifier for "which policy decided this".
///
/// Core has no crypto dependency; the version identifies a policy, it does not protect one.
enum PolicyHash {
    static func version(of text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
        return String(padded.prefix(12))
    }
}
