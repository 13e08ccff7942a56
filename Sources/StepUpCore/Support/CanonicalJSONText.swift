/// Canonical JSON text (RFC 8785, JCS) for hashing: no whitespace, object keys sorted by UTF-16 code units,
/// JCS string escaping.
///
/// One deliberate departure: JCS prints numbers as IEEE doubles, which would make 9007199254740993 and
/// 9007199254740992 hash alike. Numbers here print as ``ExactNumber``'s canonical plain decimal instead
/// (`1.5e3` → `1500`, `-0` → `0`, `1e-7` → `0.0000001`), which is still valid JSON. Non-finite numbers, which
/// JSON cannot express, print as `{"nonfinite":"NaN"}` (or `Infinity`, `-Infinity`): an object, which no
/// attribute value otherwise is, so they cannot collide with a string or a number.
public enum CanonicalJSONText {
    /// The members of a JSON value the binding writes.
    public indirect enum Value: Sendable {
        case attribute(AttributeValue)
        case object([String: Value])
        /// An array whose members may be objects (structured transaction data such as RFC 9396
        /// `authorization_details`); an array of attribute values writes the same text as `.attribute(.list(…))`.
        case array([Value])
    }

    public static func text(_ value: Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Value, into out: inout String) {
        switch value {
        case .attribute(let attribute): write(attribute, into: &out)
        case .object(let members):
            out += "{"
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                if let member = members[key] { write(member, into: &out) }
            }
            out += "}"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        }
    }

    private static func write(_ value: AttributeValue, into out: inout String) {
        switch value {
        case .string(let text): writeString(text, into: &out)
        case .number(let number) where number.isFinite: out += number.description
        case .number(let number): write(.object(["nonfinite": .attribute(.string(number.description))]), into: &out)
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .list(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        }
    }

    /// Appends `string` as a JSON string with JCS escaping (for writers that know their keys' order).
    public static func appendQuoted(_ string: String, to out: inout String) {
        writeString(string, into: &out)
    }

    /// Appends the UTF-8 text `utf8` as a JSON string with JCS escaping, as bytes (the same text
    /// ``appendQuoted(_:to:)`` writes).
    public static func appendQuoted(utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !needsEscape(utf8) {
            out.append(contentsOf: utf8)
        } else {
            // Escapes are all ASCII, so escaping byte by byte is escaping scalar by scalar.
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case ..<0x20:
                    out.append(contentsOf: Array("\\u00".utf8))
                    out.append(hexDigit(byte >> 4))
                    out.append(hexDigit(byte & 0x0f))
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }

    /// Whether any byte needs an escape: a control character, `"` or `\`.
    private static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            return true
        }
        return false
    }

    /// JCS escaping: `"` and `\`, the two-letter escapes for b, f, n, r, t, `\u00xx` (lower-case hex) for the
    /// other control characters below U+0020, and every other character as itself.
    static func writeString(_ string: String, into out: inout String) {
        var string = string
        // Most strings (ids, rule names, hashes) need no escape: copy them whole.
        if !string.withUTF8(needsEscape) {
            out += "\""
            out += string
            out += "\""
            return
        }
        var bytes: [UInt8] = []
        string.withUTF8 { appendQuoted(utf8: $0, to: &bytes) }
        out += String(decoding: bytes, as: UTF8.self)
    }
}
