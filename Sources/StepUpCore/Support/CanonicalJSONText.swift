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

    /// JCS escaping: `"` and `\`, the two-letter escapes for b, f, n, r, t, `\u00xx` (lower-case hex) for the
    /// other control characters below U+0020, and every other character as itself.
    static func writeString(_ string: String, into out: inout String) {
        out += "\""
        // Most strings (ids, rule names, hashes) need no escape: copy them whole.
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += string
            out += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
