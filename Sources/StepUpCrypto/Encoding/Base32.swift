/// Base32 (RFC 4648 §6), the encoding authenticator apps use for OTP secrets.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes `bytes`; `padded` adds `=` to a multiple of 8 characters (key URIs omit it).
    public static func encode(_ bytes: [UInt8], padded: Bool = false) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 4) / 5 * 8)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        if padded { while out.count % 8 != 0 { out.append(UInt8(ascii: "=")) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base32 as people and apps write it: case-insensitive, spaces, dashes and `=` padding ignored.
    /// - Throws: ``OTPError/invalidBase32(_:)`` on any other character or an impossible length.
    public static func decode(_ text: String) throws(OTPError) -> [UInt8] {
        var out = [UInt8]()
        var buffer: UInt32 = 0
        var bits = 0
        var count = 0
        for char in text.utf8 {
            if char == UInt8(ascii: " ") || char == UInt8(ascii: "-") || char == UInt8(ascii: "=") { continue }
            let value: UInt8
            switch char {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = char - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = char - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = char - UInt8(ascii: "2") + 26
            default: throw .invalidBase32("unexpected character")
            }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            count += 1
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        // Lengths 1, 3 and 6 (mod 8) cannot come from whole bytes.
        guard ![1, 3, 6].contains(count % 8) else { throw .invalidBase32("impossible length") }
        return out
    }
}
