/// The edits the fuzz test makes: bit flips, random bytes, truncations, insertions, deletions, duplicated chunks,
/// and length fields rewritten to large or reserved values (the edits that find allocation and bounds bugs).
enum Mutation {
    static func apply(_ bytes: inout [UInt8], using rng: inout SeededRNG) {
        guard !bytes.isEmpty else {
            bytes = [UInt8(truncatingIfNeeded: rng.next())]
            return
        }
        let at = rng.below(bytes.count)
        switch rng.below(8) {
        case 0: bytes[at] ^= 1 << UInt8(rng.below(8))
        case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
        case 2: bytes.removeSubrange(at...)
        case 3: bytes.insert(contentsOf: (0...rng.below(8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
        case 4: bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.below(16)))
        case 5:
            let chunk = bytes[at..<min(bytes.count, at + 1 + rng.below(32))]
            bytes.insert(contentsOf: chunk, at: rng.below(bytes.count))
        case 6:
            // Keep the major type, make the argument 1–8 bytes long or reserved (24…31), and fill it big.
            let info = UInt8(24 + rng.below(8))
            bytes[at] = bytes[at] & 0xE0 | info
            let width = info == 27 ? 8 : info == 26 ? 4 : info == 25 ? 2 : 1
            bytes.insert(contentsOf: [UInt8](repeating: rng.below(2) == 0 ? 0xFF : 0x7F, count: width), at: at + 1)
        default:
            // The credential id length in authenticator data (offset 53), or any two bytes, set at random.
            let position = bytes.count > 54 && rng.below(2) == 0 ? 53 : max(0, at - 1)
            bytes[position] = UInt8(truncatingIfNeeded: rng.next())
            if position + 1 < bytes.count { bytes[position + 1] = UInt8(truncatingIfNeeded: rng.next()) }
        }
    }
}
