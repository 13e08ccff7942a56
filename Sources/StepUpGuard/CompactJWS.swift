import Crypto

/// A compact JWS (`header.payload.signature`) split without copying the signing input, for ES256 verification on
/// the request path: one pass to find the dots, base64url decoded through a table, the signature checked against
/// the SHA-256 of the signing input with swift-crypto's P-256 (no DER round trip, no key parsing per token).
struct CompactJWS {
    let bytes: [UInt8]
    let firstDot: Int
    let secondDot: Int

    /// Nil unless the text has exactly two dots (three parts).
    init?(_ token: String) {
        bytes = Array(token.utf8)
        var dots: [Int] = []
        dots.reserveCapacity(2)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: ".") {
            dots.append(index)
            if dots.count > 2 { return nil }
        }
        guard dots.count == 2 else { return nil }
        firstDot = dots[0]
        secondDot = dots[1]
    }

    var headerSegment: ArraySlice<UInt8> { bytes[..<firstDot] }
    var payloadSegment: ArraySlice<UInt8> { bytes[(firstDot + 1)..<secondDot] }
    var signatureSegment: ArraySlice<UInt8> { bytes[(secondDot + 1)...] }

    /// Whether one of `keys` signed this token with ES256 (raw `r‖s`, RFC 7518 §3.4).
    func isSigned(byOneOf keys: [P256.Signing.PublicKey]) -> Bool {
        guard !keys.isEmpty, let raw = Base64URLTable.decode(signatureSegment), raw.count == 64,
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: raw)
        else { return false }
        let digest = SHA256.hash(data: bytes[..<secondDot])
        return keys.contains { $0.isValidSignature(signature, for: digest) }
    }
}

/// Base64url without padding (RFC 7515 §2), decoded through a lookup table.
enum Base64URLTable {
    private static let invalid: UInt8 = 0xFF
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// The bytes, or nil for a character outside the alphabet (padding included) or an impossible length.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text {
            let value = table[Int(character)]
            guard value != invalid else { return nil }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero (a canonical encoding).
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return output
    }
}
