import Foundation

/// A tiny deterministic JSON writer for the audit hash chain.
///
/// Why not `JSONEncoder`: its output (number formatting, escaping, key order) is not specified and may change
/// between Foundation versions, which would silently break verification of old chains. This writer follows
/// RFC 8785 (JCS) for the subset the audit log needs: objects with sorted keys, strings and integers.
enum CanonicalJSON {
    /// A JSON value restricted to what the audit log hashes.
    enum Value {
        case string(String)
        case integer(Int64)
        case object([String: Value])
    }

    static func serialize(_ value: Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Value, into out: inout String) {
        switch value {
        case .string(let string):
            writeString(string, into: &out)
        case .integer(let number):
            out += String(number)
        case .object(let members):
            out += "{"
            // JCS orders keys by their UTF-16 code units.
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                if let member = members[key] { write(member, into: &out) }
            }
            out += "}"
        }
    }

    private static func writeString(_ string: String, into out: inout String) {
        out += "\""
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
