import Crypto
import Foundation
import StepUpCore
import Synchronization

/// Random identifiers and bearer tokens, and the hashes under which tokens are stored.
enum Tokens {
    /// A URL-safe random string with `bytes` bytes of entropy (base64url, no padding).
    static func random(bytes: Int = 32) -> String {
        // Eight bytes per call of the system generator (one `getrandom` each), not one.
        var generator = SystemRandomNumberGenerator()
        var data = Data(capacity: bytes + 8)
        while data.count < bytes { withUnsafeBytes(of: generator.next()) { data.append(contentsOf: $0) } }
        return data.prefix(bytes).base64URLEncoded()
    }

    /// A unique, not secret, identifier: a random per-process prefix and a counter (no system call per id).
    static func sequential(prefix: String) -> String {
        "\(prefix)_\(processPrefix)\(String(sequence.add(1, ordering: .relaxed).newValue, radix: 36))"
    }

    private static let processPrefix = random(bytes: 9)
    private static let sequence = Atomic<UInt64>(0)

    /// An identifier for records: 16 random bytes.
    static func id(prefix: String) -> String { prefix + "_" + random(bytes: 16) }

    /// An identifier for records written often (challenges): the creation time in milliseconds (12 hex digits, so
    /// identifiers sort by time) and 16 random bytes. New rows then land next to each other in the primary-key
    /// index instead of at random places in it: a batch of step-ups writes one or two index pages instead of one
    /// per challenge, and the writer stops reading index pages back from disk as the table grows.
    static func timeOrderedID(prefix: String, at date: Date) -> String {
        let milliseconds = UInt64(max(0, min(date.timeIntervalSince1970 * 1000, 0xFFFF_FFFF_FFFF)))
        let hex = String(milliseconds, radix: 16)
        return prefix + "_" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex + random(bytes: 16)
    }

    /// SHA-256 hex of a token: what the database keeps, so a leaked database yields no usable token.
    static func hash(_ token: String) -> String {
        var token = token
        return token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }.hex
    }
}

extension Data {
    /// RFC 4648 §5 without padding, in one pass.
    func base64URLEncoded() -> String {
        var bytes = Array(base64EncodedString().utf8)
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "+") { bytes[index] = UInt8(ascii: "-") }
            if bytes[index] == UInt8(ascii: "/") { bytes[index] = UInt8(ascii: "_") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}

extension Digest {
    var hex: String { withUnsafeBytes(Hex.lowercase) }
}
