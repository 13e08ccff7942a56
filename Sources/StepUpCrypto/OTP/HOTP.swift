/// HMAC-based one-time passwords (RFC 4226).
///
/// ```swift
/// let hotp = try HOTP(secret: Array("12345678901234567890".utf8))
/// hotp.code(counter: 0)   // "755224"
/// ```
public struct HOTP: Sendable, Hashable {
    public let secret: [UInt8]
    public let digits: Int
    public let algorithm: OTPAlgorithm

    /// - Throws: ``OTPError/invalidParameters(_:)`` unless `digits` is 6...8 and the secret is non-empty.
    public init(secret: [UInt8], digits: Int = 6, algorithm: OTPAlgorithm = .sha1) throws(OTPError) {
        guard (6...8).contains(digits) else { throw .invalidParameters("digits must be 6...8") }
        guard !secret.isEmpty, secret.count <= 1024 else { throw .invalidParameters("secret must be 1...1024 bytes") }
        self.secret = secret
        self.digits = digits
        self.algorithm = algorithm
    }

    /// The code for `counter`: HMAC, dynamic truncation (RFC 4226 §5.3), zero-padded decimal.
    public func code(counter: UInt64) -> String {
        let counterBytes = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let mac = algorithm.mac(key: secret, message: counterBytes)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// Finds `code` among counters `counter ... counter + lookAhead` (RFC 4226 §7.4 resynchronisation).
    /// - Returns: the matched counter; the caller stores `matched + 1` as the next counter, atomically,
    ///   so the same code can never be accepted twice.
    public func verify(_ code: String, counter: UInt64, lookAhead: Int = 0) -> UInt64? {
        guard let entered = normalize(code) else { return nil }
        var matched: UInt64?
        for offset in 0...UInt64(max(0, min(lookAhead, 1000))) {
            let (candidate, overflow) = counter.addingReportingOverflow(offset)
            if overflow { break }
            // Every candidate is computed and compared, so timing does not reveal which one matched.
            if ConstantTime.equals(self.code(counter: candidate), entered), matched == nil { matched = candidate }
        }
        return matched
    }

    /// Strips spaces people type ("123 456"); nil unless exactly `digits` ASCII digits remain.
    func normalize(_ code: String) -> String? {
        let digitsOnly = code.utf8.filter { $0 != UInt8(ascii: " ") }
        guard digitsOnly.count == digits, digitsOnly.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return String(decoding: digitsOnly, as: UTF8.self)
    }
}
