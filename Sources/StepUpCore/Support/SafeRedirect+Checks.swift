extension SafeRedirect {
    /// RFC 3986 unreserved, reserved and `%`: printable ASCII without space, `"`, `<`, `>`, `\`, `^`, `` ` ``,
    /// `{`, `|`, `}`.
    static func isURIByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("-._~:/?#[]@!$&'()*+,;=%".utf8).contains(byte)
        }
    }

    static func hasWellFormedEscapes(_ bytes: [UInt8]) -> Bool {
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, hexValue(bytes[index + 1]) != nil, hexValue(bytes[index + 2]) != nil
            else { return false }
        }
        return true
    }

    /// One round of percent-decoding; a `%` not followed by two hex digits stays as it is.
    static func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// Valid UTF-8 without controls (C0, DEL, C1) or backslashes.
    static func isSafeLayer(_ bytes: [UInt8]) -> Bool {
        guard let text = String(validating: bytes, as: UTF8.self) else { return false }
        return !text.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\\"
        }
    }

    /// ASCII, one leading `/`, no `//` (a scheme-relative URL once something collapses or decodes it) and no
    /// `@` (user-info when a careless caller prefixes a host).
    static func isSafePath(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == UInt8(ascii: "/"), bytes.allSatisfy({ $0 < 0x80 }), !bytes.contains(UInt8(ascii: "@"))
        else { return false }
        return !zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: "/") && $1 == UInt8(ascii: "/") }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
